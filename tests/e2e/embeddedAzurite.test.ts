/**
 * `npm start` on development storage: starts its own Azurite with data under .azurite/, reads
 * local.settings.json, keeps data across a restart, and leaves nothing running after Ctrl-C.
 * Runs the built app from a scratch copy so the repository's own .azurite/ is left alone.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_STORAGE_PORT, isListening } from '../../scripts/host/localStorage';
import { APP_ROOT, startHost } from '../support/host';

const portBusy = await isListening(DEVELOPMENT_STORAGE_PORT);
const appRoot = mkdtempSync(join(tmpdir(), 'b2c-claims-api-'));

afterAll(() => rmSync(appRoot, { recursive: true, force: true }));

describe.skipIf(portBusy)('npm start with development storage (port 10002 free)', () => {
  it('starts Azurite on .azurite/, keeps data across a restart and stops it on Ctrl-C', async () => {
    cpSync(join(APP_ROOT, 'dist'), join(appRoot, 'dist'), { recursive: true });
    cpSync(join(APP_ROOT, 'package.json'), join(appRoot, 'package.json'));
    cpSync(join(APP_ROOT, 'host.json'), join(appRoot, 'host.json'));
    symlinkSync(join(APP_ROOT, 'node_modules'), join(appRoot, 'node_modules'), 'dir');
    writeFileSync(
      join(appRoot, 'local.settings.json'),
      JSON.stringify({
        IsEncrypted: false,
        Values: { AzureWebJobsStorage: 'UseDevelopmentStorage=true', STARTING_BALANCE: '75.00' },
      }),
    );

    const first = await startHost({}, { appRoot });
    expect(first.output()).toContain('Started Azurite (Table service) on port 10002');
    expect(first.output()).toContain('seeded the demo members');
    const created = await fetch(`${first.baseUrl}/api/GetProfile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"objectId":"persisted-user"}',
    });
    expect(await created.json()).toEqual({ balance: '75.00' });
    expect(await first.stop()).toBe(0);
    expect(await isListening(DEVELOPMENT_STORAGE_PORT)).toBe(false);
    expect(existsSync(join(appRoot, '.azurite'))).toBe(true);

    const second = await startHost({ STARTING_BALANCE: '99.00' }, { appRoot });
    expect(second.output()).not.toContain('seeded the demo members');
    const again = await fetch(`${second.baseUrl}/api/GetProfile?objectId=persisted-user`);
    expect(await again.json()).toEqual({ balance: '75.00' });
    expect(await second.stop()).toBe(0);
    expect(await isListening(DEVELOPMENT_STORAGE_PORT)).toBe(false);
  });
});
