/**
 * `npm start` on development storage: starts its own Azurite with data under .azurite/, reads
 * local.settings.json, keeps data across a restart, and leaves nothing running after Ctrl-C or a
 * SIGTERM to npm; says so when something else holds the development storage port. Runs the built
 * app from a scratch copy so the repository's own .azurite/ is left alone. One file, so that no
 * two tests want port 10002 at once.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/host/azurite';
import { watchOutput } from '../../scripts/host/childOutput';
import { DEVELOPMENT_STORAGE_PORT, isListening } from '../../scripts/host/localStorage';
import { runStart, startHost } from '../support/host';
import { scratchApp } from '../support/scratchApp';

const portBusy = await isListening(DEVELOPMENT_STORAGE_PORT);
const scratch = scratchApp();
const appRoot = scratch.root;
afterAll(() => scratch.remove());

describe.skipIf(portBusy)('npm start with development storage (port 10002 free)', () => {
  it('starts Azurite on .azurite/, keeps data across a restart and stops it on Ctrl-C', async () => {
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
      body: '{"objectId":"268afa57-e9c5-407f-8e22-6c199ecfa186"}',
    });
    expect(await created.json()).toEqual({ balance: '75.00' });
    expect(await first.stop()).toBe(0);
    expect(await isListening(DEVELOPMENT_STORAGE_PORT)).toBe(false);
    expect(existsSync(join(appRoot, '.azurite'))).toBe(true);

    const second = await startHost({ STARTING_BALANCE: '99.00' }, { appRoot });
    expect(second.output()).not.toContain('seeded the demo members');
    const again = await fetch(
      `${second.baseUrl}/api/GetProfile?objectId=268afa57-e9c5-407f-8e22-6c199ecfa186`,
    );
    expect(await again.json()).toEqual({ balance: '75.00' });
    expect(await second.stop()).toBe(0);
    expect(await isListening(DEVELOPMENT_STORAGE_PORT)).toBe(false);
  });
});

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

describe.skipIf(portBusy)('npm start as a server (port 10002 free)', () => {
  it('stops the host and its Azurite on a SIGTERM to the npm process, leaving nothing listening', async () => {
    const port = await freePort();
    // --ignore-scripts: the scratch copy has no sources to build (prestart), only dist/.
    const npm = spawn('npm', ['start', '--ignore-scripts'], {
      cwd: appRoot,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), SEED_DEMO_DATA: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = watchOutput(npm, /Host started/, 'npm start', 60_000);
    await output.ready;
    expect(await isListening(port)).toBe(true);
    expect(await isListening(DEVELOPMENT_STORAGE_PORT)).toBe(true);
    npm.kill('SIGTERM');
    expect(await until(async () => !(await isListening(port)))).toBe(true);
    expect(await until(async () => !(await isListening(DEVELOPMENT_STORAGE_PORT)))).toBe(true);
  });

  it.each([
    [
      'an HTTP server that is not Azurite',
      () => createHttpServer((_q, r) => r.end('hello')),
      /it answers as /,
    ],
    [
      'a server that does not speak HTTP',
      () => createTcpServer((s) => s.destroy()),
      /does not answer HTTP/,
    ],
  ])(
    'with %s on port 10002, refuses to start and says how to choose another',
    async (_n, make, why) => {
      const squatter: Server = make() as Server;
      await new Promise<void>((resolve) =>
        squatter.listen(DEVELOPMENT_STORAGE_PORT, '127.0.0.1', resolve),
      );
      try {
        const run = await runStart(
          { TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
          appRoot,
        );
        expect(run.code).toBe(1);
        expect(run.output).toContain(
          "Port 10002 (development storage) is taken by something that is not Azurite's Table service",
        );
        expect(run.output).toMatch(why);
        expect(run.output).toContain('set TABLES_CONNECTION_STRING');
      } finally {
        await new Promise<void>((resolve) => squatter.close(() => resolve()));
      }
    },
  );
});
