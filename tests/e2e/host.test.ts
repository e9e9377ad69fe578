/**
 * End to end over HTTP: the built app served by the local host (what `npm start` runs), on
 * Azurite, as B2C calls it.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString as azuriteOn, freePort } from '../../scripts/host/azurite';
import { startHost, runStart, type RunningHost } from '../support/host';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

let host: RunningHost;

beforeAll(async () => {
  host = await startHost({
    TABLES_CONNECTION_STRING: azuriteConnectionString(),
    ...Object.fromEntries(
      Object.entries(uniqueTableNames('E2e')).map(([k, v]) => [
        k === 'loyaltyTableName' ? 'LOYALTY_TABLE_NAME' : 'BALANCES_TABLE_NAME',
        v,
      ]),
    ),
  });
});

afterAll(async () => {
  await host?.stop();
});

async function post(path: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${host.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json: any = await response.json();
  return { status: response.status, type: response.headers.get('content-type'), body: json };
}

describe('the local host', () => {
  it('serves the four functions under /api', async () => {
    expect(host.output()).toMatch(
      /ValidateProfile: \[GET,POST\] http:\/\/localhost:\d+\/api\/ValidateProfile/,
    );
    for (const name of ['ValidateProfile', 'GetProfile', 'EnrichToken', 'health']) {
      expect(host.output()).toContain(`/api/${name}`);
    }
    const health = await fetch(`${host.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', storage: 'ok', version: '1.0.0' });
  });

  it('seeds the demo members into an empty store', async () => {
    const answer = await post(
      '/api/ValidateProfile',
      '{"email":"david@contoso.com","loyaltyId":"5678"}',
    );
    expect(answer).toMatchObject({ status: 200, body: { promoCode: 'SPRING24' } });
    expect(host.output()).toContain('seeded the demo members');
  });

  it('answers a custom-policy rejection as 409 JSON with the documented message', async () => {
    const answer = await post(
      '/api/ValidateProfile',
      '{"email":"david@contoso.com","loyaltyId":"1234","lang":"1033"}',
    );
    expect(answer.status).toBe(409);
    expect(answer.type).toMatch(/^application\/json/);
    expect(answer.body.userMessage).toBe(
      "Loyalty ID '1234' is not associated with 'david@contoso.com' email address.",
    );
  });

  it('answers a form body (SendClaimsIn Form) and a query string (SendClaimsIn QueryString)', async () => {
    const form = await post(
      '/api/GetProfile',
      'objectId=11111111-0000-0000-0000-000000000000',
      'application/x-www-form-urlencoded',
    );
    expect(form.body).toEqual({ balance: '760.50' });
    const query = await fetch(
      `${host.baseUrl}/api/GetProfile?objectId=11111111-0000-0000-0000-000000000000&code=k`,
    );
    expect(await query.json()).toEqual({ balance: '760.50' });
  });

  it('answers the user-flow token step with Continue', async () => {
    const answer = await post(
      '/api/EnrichToken',
      JSON.stringify({
        step: 'PreTokenIssuance',
        client_id: 'c',
        objectId: 'ab3ec3b2-a435-45e4-b93a-56a005e88bb7',
        email: 'emily@outlook.com',
      }),
    );
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      extension_balance: '202.75',
      extension_loyaltyId: '24534',
      extension_promoCode: '84362',
    });
  });

  it('answers a body over the limit with 413 in the contract shape, and unknown routes with 404 JSON', async () => {
    const big = await post('/api/ValidateProfile', JSON.stringify({ pad: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    const missing = await fetch(`${host.baseUrl}/api/Nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers a method the function does not accept with 405', async () => {
    const response = await fetch(`${host.baseUrl}/api/ValidateProfile`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });
});

describe('starting the host', () => {
  it('on a taken port, exits 1 with a clear message', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const run = await runStart({
      PORT: String(port),
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      SEED_DEMO_DATA: 'false',
    });
    blocker.close();
    expect(run.code).toBe(1);
    expect(run.output).toContain(`Port ${port} is already in use`);
  });

  it('with TABLES_CONNECTION_STRING naming a local port where nothing listens, starts and says npm start starts Azurite only for development storage', async () => {
    const down = await freePort();
    const host = await startHost({
      TABLES_CONNECTION_STRING: azuriteOn(down),
      SEED_DEMO_DATA: 'false',
    });
    try {
      expect(host.output()).toContain(`Nothing listens on 127.0.0.1:${down}`);
      expect(host.output()).toContain(
        'npm start starts Azurite only for development storage (UseDevelopmentStorage=true)',
      );
      expect((await fetch(`${host.baseUrl}/api/health`)).status).toBe(503);
    } finally {
      await host.stop();
    }
  });

  it('with a malformed setting, exits 1 naming the setting', async () => {
    const run = await runStart({
      STARTING_BALANCE: 'lots',
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
    });
    expect(run.code).toBe(1);
    expect(run.output).toContain('Setting STARTING_BALANCE is malformed');
  });

  it('stops on Ctrl-C (SIGINT) with exit code 0', async () => {
    const own = await startHost({
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      SEED_DEMO_DATA: 'false',
    });
    expect(await own.stop()).toBe(0);
    expect(own.output()).toContain('SIGINT: stopping');
  });
});

describe('caller authentication over HTTP', () => {
  it('refuses a caller without the API key with 401 JSON, lets the key in, and keeps health anonymous', async () => {
    const key = 'e2e-key-0123456789abcdef';
    const own = await startHost({
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      SEED_DEMO_DATA: 'false',
      API_AUTH: 'apikey',
      API_KEY: key,
    });
    try {
      const body = '{"objectId":"90f5cf65-b78a-418e-80b1-81dda69aa87d"}';
      const refused = await fetch(`${own.baseUrl}/api/GetProfile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ status: 401, code: 'Unauthorized' });
      const allowed = await fetch(`${own.baseUrl}/api/GetProfile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body,
      });
      expect(allowed.status).toBe(200);
      const health = await fetch(`${own.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.text()).not.toContain(key);
      expect(own.output()).toContain('caller refused: apikey: no x-api-key header');
      expect(own.output()).not.toContain(key);
    } finally {
      await own.stop();
    }
  });

  it.each(['Staging', 'Production', 'anything but Development'])(
    'with AZURE_FUNCTIONS_ENVIRONMENT=%s and no API_AUTH, refuses to start, naming the setting',
    async (environment) => {
      const run = await runStart({
        TABLES_CONNECTION_STRING: azuriteConnectionString(),
        AZURE_FUNCTIONS_ENVIRONMENT: environment,
      });
      expect(run.code).toBe(1);
      expect(run.output).toContain('Setting API_AUTH is missing');
      expect(run.output).not.toContain('Host started');
    },
  );

  it('refuses to start outside Development without a storage setting, in one line naming them', async () => {
    const run = await runStart({
      AZURE_FUNCTIONS_ENVIRONMENT: 'Production',
      API_AUTH: 'apikey',
      API_KEY: 'key-one-0123456789',
    });
    expect(run.code).toBe(1);
    const line = run.output.split('\n').find((l) => l.includes('Setting TABLES_CONNECTION_STRING'));
    for (const name of [
      'TABLES_ENDPOINT',
      'AzureWebJobsStorage',
      'AzureWebJobsStorage__accountName',
    ]) {
      expect(line).toContain(name);
    }
    expect(run.output).not.toContain('Host started');
    expect(run.output).not.toContain('Azurite');
  });

  it('refuses to start with API_AUTH=none in production, naming the setting', async () => {
    const run = await runStart({
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      AZURE_FUNCTIONS_ENVIRONMENT: 'Production',
      API_AUTH: 'none',
    });
    expect(run.code).toBe(1);
    expect(run.output).toContain('Setting API_AUTH');
    expect(run.output).toContain('ALLOW_INSECURE_AUTH');
  });
});
