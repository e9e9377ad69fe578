/**
 * Outages over HTTP against the running local host: recovery without a restart, and a graceful
 * shutdown that lets requests in flight finish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TableServiceClient } from '@azure/data-tables';
import { azuriteConnectionString as azuriteOn, startAzurite } from '../../scripts/host/azurite';
import { refusingPort, silentServer } from '../support/faultyStorage';
import { startHost } from '../support/host';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

/** Users by objectId: a GUID, as B2C and Entra send it. */
const RECOVERING_USER = '7ecf0e11-0000-4000-8000-000000000001';
const SLOW_USER = '5107e000-0000-4000-8000-000000000002';
const OUTAGE_USER = '12cab922-0bbe-4a96-82a7-18ae62e4a90b';

const dataDir = mkdtempSync(join(tmpdir(), 'azurite-recovery-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function getProfile(baseUrl: string, objectId: string) {
  const response = await fetch(`${baseUrl}/api/GetProfile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ objectId }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('storage outages', () => {
  it('recover when Azurite comes back, without restarting the app', async () => {
    let azurite = await startAzurite({ location: dataDir });
    const port = azurite.port;
    const host = await startHost({
      TABLES_CONNECTION_STRING: azuriteOn(port),
      STORAGE_TIMEOUT_MS: '500',
      REQUEST_BUDGET_MS: '1000',
    });
    try {
      expect(await getProfile(host.baseUrl, RECOVERING_USER)).toEqual({
        status: 200,
        body: { balance: '50.00' },
      });
      const health = await fetch(`${host.baseUrl}/api/health`);
      expect(health.status).toBe(200);

      await azurite.stop();
      expect(await getProfile(host.baseUrl, RECOVERING_USER)).toEqual({ status: 200, body: {} });
      const down = await fetch(`${host.baseUrl}/api/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ storage: 'unavailable' });

      azurite = await startAzurite({ location: dataDir, port });
      expect(await getProfile(host.baseUrl, RECOVERING_USER)).toEqual({
        status: 200,
        body: { balance: '50.00' },
      });
      const validate = await fetch(`${host.baseUrl}/api/ValidateProfile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"david@contoso.com","loyaltyId":"5678"}',
      });
      expect(await validate.json()).toEqual({ promoCode: 'SPRING24' });
      expect((await fetch(`${host.baseUrl}/api/health`)).status).toBe(200);
      expect(host.output()).toContain('storage unavailable');
    } finally {
      await host.stop();
      await azurite.stop();
    }
  });

  it('a request in flight at Ctrl-C still gets its answer, then the host exits 0', async () => {
    const silent = await silentServer();
    const host = await startHost({
      TABLES_CONNECTION_STRING: azuriteOn(silent.port),
      STORAGE_TIMEOUT_MS: '1000',
      SEED_DEMO_DATA: 'false',
    });
    try {
      const started = performance.now();
      const inFlight = getProfile(host.baseUrl, SLOW_USER);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exit = host.stop();
      const answer = await inFlight;
      expect(answer).toEqual({ status: 200, body: {} });
      expect(performance.now() - started).toBeLessThanOrEqual(3200);
      expect(await exit).toBe(0);
    } finally {
      await silent.close();
    }
  });

  it('the host creates the tables when it starts, before any request', async () => {
    const tables = uniqueTableNames('Start');
    const host = await startHost({
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      LOYALTY_TABLE_NAME: tables.loyaltyTableName,
      BALANCES_TABLE_NAME: tables.balancesTableName,
      SEED_DEMO_DATA: 'false',
    });
    try {
      const service = TableServiceClient.fromConnectionString(azuriteConnectionString(), {
        allowInsecureConnection: true,
      });
      const names: string[] = [];
      for await (const table of service.listTables()) names.push(table.name ?? '');
      expect(names).toEqual(
        expect.arrayContaining([tables.loyaltyTableName, tables.balancesTableName]),
      );
    } finally {
      await host.stop();
    }
  });
});

async function post(baseUrl: string, fn: string, body: object) {
  const response = await fetch(`${baseUrl}/api/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Every function's answer while storage is down: the documented degraded ones. */
async function expectDegraded(baseUrl: string): Promise<void> {
  expect(
    await post(baseUrl, 'ValidateProfile', { email: 'david@contoso.com', loyaltyId: '5678' }),
  ).toMatchObject({ status: 409, body: { code: 'Unavailable' } });
  expect(await post(baseUrl, 'GetProfile', { objectId: OUTAGE_USER })).toEqual({
    status: 200,
    body: {},
  });
  expect(
    await post(baseUrl, 'EnrichToken', {
      step: 'PreTokenIssuance',
      objectId: OUTAGE_USER,
      email: 'david@contoso.com',
    }),
  ).toEqual({ status: 200, body: { version: '1.0.0', action: 'Continue' } });
  const health = await fetch(`${baseUrl}/api/health`);
  expect(health.status).toBe(503);
}

/** Polls until the host answers a seeded pair normally (tables and demo data made by then). */
async function expectRecovered(baseUrl: string): Promise<void> {
  const until = Date.now() + 40_000;
  let last: unknown;
  while (Date.now() < until) {
    last = await post(baseUrl, 'ValidateProfile', {
      email: 'david@contoso.com',
      loyaltyId: '5678',
    });
    if ((last as { status: number }).status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(last).toEqual({ status: 200, body: { promoCode: 'SPRING24' } });
  expect(await post(baseUrl, 'GetProfile', { objectId: OUTAGE_USER })).toEqual({
    status: 200,
    body: { balance: '50.00' },
  });
  expect((await fetch(`${baseUrl}/api/health`)).status).toBe(200);
}

describe('an instance started while storage is down', () => {
  it.each([
    [
      'nothing listens on the storage port',
      async () => ({ port: await refusingPort(), close: async () => undefined }),
    ],
    ['storage accepts connections and never answers', silentServer],
  ])('starts when %s, answers degraded, and recovers by itself', async (_name, makeDown) => {
    const down = await makeDown();
    const tables = uniqueTableNames('Outage');
    const host = await startHost({
      TABLES_CONNECTION_STRING: azuriteOn(down.port),
      LOYALTY_TABLE_NAME: tables.loyaltyTableName,
      BALANCES_TABLE_NAME: tables.balancesTableName,
      STORAGE_TIMEOUT_MS: '500',
      REQUEST_BUDGET_MS: '1000',
    });
    let azurite: Awaited<ReturnType<typeof startAzurite>> | undefined;
    try {
      await expectDegraded(host.baseUrl);
      await down.close();
      azurite = await startAzurite({ port: down.port });
      await expectRecovered(host.baseUrl);
      expect(host.output()).toContain('trying again in the background');
    } finally {
      await host.stop();
      await azurite?.stop();
      await down.close();
    }
  });
});
