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
import { silentServer } from '../support/faultyStorage';
import { startHost } from '../support/host';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

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
      expect(await getProfile(host.baseUrl, 'recovering-user')).toEqual({
        status: 200,
        body: { balance: '50.00' },
      });
      const health = await fetch(`${host.baseUrl}/api/health`);
      expect(health.status).toBe(200);

      await azurite.stop();
      expect(await getProfile(host.baseUrl, 'recovering-user')).toEqual({ status: 200, body: {} });
      const down = await fetch(`${host.baseUrl}/api/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ storage: 'unavailable' });

      azurite = await startAzurite({ location: dataDir, port });
      expect(await getProfile(host.baseUrl, 'recovering-user')).toEqual({
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
      const inFlight = getProfile(host.baseUrl, 'slow-user');
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
