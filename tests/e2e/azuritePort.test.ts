/**
 * The embedded Azurite of `npm start` on a port of the user's choosing (AZURITE_PORT), its
 * connection string printed ready to use, and an Azurite left running by a host that was killed
 * with `kill -9` noticed and stopped at the next start instead of being reused silently. Each
 * test takes a free port of its own, so none needs port 10002.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/host/azurite';
import { isAlive, readLease } from '../../scripts/host/azuriteLease';
import { isListening } from '../../scripts/host/localStorage';
import { runStart, startHost, type RunningHost } from '../support/host';
import { scratchApp } from '../support/scratchApp';

const scratch = scratchApp();
afterAll(() => scratch.remove());

const DEV_STORAGE = { TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

async function balanceOf(host: RunningHost, objectId: string): Promise<unknown> {
  const response = await fetch(`${host.baseUrl}/api/GetProfile?objectId=${objectId}`);
  return response.json();
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe('npm start with AZURITE_PORT', () => {
  it('serves Azurite on that port and prints the connection string for it', async () => {
    const port = await freePort();
    const host = await startHost(
      { ...DEV_STORAGE, AZURITE_PORT: String(port), SEED_DEMO_DATA: 'false' },
      { appRoot: scratch.root },
    );
    try {
      expect(host.output()).toContain(`Started Azurite (Table service) on port ${port}`);
      expect(host.output()).toContain(
        `TABLES_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;`,
      );
      expect(host.output()).toContain(`TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;"`);
      expect(await balanceOf(host, randomUUID())).toEqual({ balance: '50.00' });
    } finally {
      expect(await host.stop()).toBe(0);
    }
    expect(await isListening(port)).toBe(false);
    expect(readLease(`${scratch.root}/.azurite`)).toBeUndefined();
  });

  it('refuses a malformed AZURITE_PORT, naming it', async () => {
    const run = await runStart({ ...DEV_STORAGE, AZURITE_PORT: '10002x' }, scratch.root);
    expect(run.code).toBe(1);
    expect(run.output).toContain('Setting AZURITE_PORT is malformed: "10002x"');
  });

  it('stops an Azurite left running by a host killed with SIGKILL, keeping its data', async () => {
    const port = await freePort();
    const env = { ...DEV_STORAGE, AZURITE_PORT: String(port), SEED_DEMO_DATA: 'false' };
    const objectId = randomUUID();
    const first = await startHost({ ...env, STARTING_BALANCE: '12.34' }, { appRoot: scratch.root });
    expect(await balanceOf(first, objectId)).toEqual({ balance: '12.34' });
    const lease = readLease(`${scratch.root}/.azurite`);
    expect(lease?.port).toBe(port);
    first.process.kill('SIGKILL');
    await first.stop();
    expect(await isListening(port)).toBe(true);

    const second = await startHost(env, { appRoot: scratch.root });
    try {
      expect(second.output()).toContain(
        `An Azurite left running on port ${port} by an earlier start that was killed ` +
          `(pid ${lease?.azuritePid}) was stopped; starting a fresh one.`,
      );
      expect(isAlive(lease?.azuritePid ?? 0)).toBe(false);
      expect(await balanceOf(second, objectId)).toEqual({ balance: '12.34' });
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(await until(async () => !(await isListening(port)))).toBe(true);
  });
});
