/**
 * Telemetry proven for real: the running host with the real `applicationinsights` SDK on its
 * telemetry thread, sending to a local HTTPS ingestion endpoint (a certificate this test makes,
 * trusted through NODE_EXTRA_CA_CERTS). The envelopes that arrive are checked: names, properties,
 * and the absence of personal data. The telemetry thread is held (a preload waits for a file this
 * test writes) until the first request has been answered, so that request is certainly recorded
 * before the SDK is ready (with a managed identity: telemetryAuthentication.test.ts; the main
 * thread never loads the SDK: telemetryMainThread.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableClient } from '../../shared/storage/table/connection';
import { TableLoyaltyAdmin } from '../../shared/storage/table/tableAdmin';
import { aMember, money } from '../support/builders';
import { startHost } from '../support/host';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';
import { startIngestion, waitFor, type Ingestion } from '../support/ingestionStandIn';

const EMAIL = 'telemetry.person@contoso.com';
const LOYALTY_ID = 'LOYAL-93817';
const PROMO = 'PROMO-XYZ-771';
const OBJECT_ID = '9d1e7c4a-5b3f-4e2a-8c6d-0a1b2c3d4e5f';
const BROKEN_OBJECT_ID = 'bad0bad0-0000-4000-8000-000000000001';
const CORRELATION = '0f8fad5b-d9cb-469f-a165-70867728950e';
const CLIENT = '93fd07aa-333c-409d-955d-96008fd08dd9';
const HASH_KEY = 'telemetry-hash-key-0123456789';
const API_KEY = 'telemetry-api-key-0123456789';

const dir = mkdtempSync(join(tmpdir(), 'telemetry-'));
const IKEY = '11111111-2222-4333-8444-555555555555';
/** The telemetry thread waits for this file before it loads the SDK. */
const RELEASE = join(dir, 'release-telemetry-thread');
const HOLD = join(dir, 'hold-telemetry-thread.js');
writeFileSync(
  HOLD,
  `const { isMainThread } = require('node:worker_threads');
if (!isMainThread) {
  const fs = require('node:fs');
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(${JSON.stringify(RELEASE)})) Atomics.wait(cell, 0, 0, 20);
}
`,
);
let hostOutput = '';
let firstAnsweredBeforeReady = false;
let ingestion: Ingestion;

beforeAll(async () => {
  ingestion = await startIngestion();
});

afterAll(async () => {
  await ingestion.close();
  rmSync(dir, { recursive: true, force: true });
});

const ofType = (type: string) =>
  ingestion.envelopes.filter((e) => e.iKey === IKEY && e.data.baseType === type);

describe('with APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  beforeAll(async () => {
    const tables = uniqueTableNames('Telemetry');
    const repository = new TableLoyaltyAdmin({
      tables: azuriteConnectionString(),
      ...tables,
    });
    await repository.init();
    await repository.saveMember(aMember({ email: EMAIL, loyaltyId: LOYALTY_ID, promoCode: PROMO }));
    await repository.setBalance(OBJECT_ID, money('12.34'));
    await createTableClient(azuriteConnectionString(), tables.balancesTableName).upsertEntity({
      partitionKey: Buffer.from(BROKEN_OBJECT_ID).toString('base64url'),
      rowKey: 'balance',
      objectId: BROKEN_OBJECT_ID,
      balance: 'not money',
    });

    const host = await startHost({
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      LOYALTY_TABLE_NAME: tables.loyaltyTableName,
      BALANCES_TABLE_NAME: tables.balancesTableName,
      SEED_DEMO_DATA: 'false',
      API_AUTH: 'apikey',
      API_KEY,
      TELEMETRY_HASH_KEY: HASH_KEY,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=https://127.0.0.1:${ingestion.port}/`,
      NODE_EXTRA_CA_CERTS: ingestion.certificate.certFile,
      NODE_OPTIONS: `--require ${HOLD}`,
    });
    const post = (fn: string, body: object, query = '') =>
      fetch(`${host.baseUrl}/api/${fn}${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify(body),
      });
    try {
      expect(
        (
          await post('ValidateProfile', {
            email: EMAIL,
            loyaltyId: LOYALTY_ID,
            lang: '1036',
            correlationId: CORRELATION,
          })
        ).status,
      ).toBe(200);
      firstAnsweredBeforeReady = !host.output().includes('Telemetry: sending');
      writeFileSync(RELEASE, '');
      expect(
        (
          await post('ValidateProfile', {
            email: EMAIL,
            loyaltyId: 'WRONG-00000',
            correlationId: CORRELATION,
          })
        ).status,
      ).toBe(409);
      expect(
        (
          await post('ValidateProfile', {
            step: 'PostAttributeCollection',
            client_id: CLIENT,
            ui_locales: 'ja-JP',
            email: EMAIL,
            extension_loyaltyId: LOYALTY_ID,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await post(
            'GetProfile',
            { objectId: OBJECT_ID },
            `?email=${encodeURIComponent(EMAIL)}&code=secret-functions-key`,
          )
        ).status,
      ).toBe(200);
      expect(
        (
          await post('EnrichToken', {
            step: 'PreTokenIssuance',
            clientId: CLIENT,
            objectId: OBJECT_ID,
            email: EMAIL,
          })
        ).status,
      ).toBe(200);
      // A corrupt row: the degraded answer (200 without balance), one exception sent.
      const broken = await post('GetProfile', { objectId: BROKEN_OBJECT_ID });
      expect(broken.status).toBe(200);
      expect(await broken.json()).toEqual({});
    } finally {
      writeFileSync(RELEASE, '');
      expect(await host.stop()).toBe(0); // flushes telemetry at app termination
      hostOutput = host.output();
    }
    await waitFor(() => ofType('ExceptionData').length > 0 && ofType('RequestData').length >= 6);
  }, 60_000);

  it("keeps what is recorded before the SDK is ready and sends it: the first request's items arrive", () => {
    expect(firstAnsweredBeforeReady).toBe(true);
    const waited = /ready \d+ ms after start; (\d+) records were waiting/.exec(hostOutput);
    expect(Number(waited?.[1])).toBeGreaterThanOrEqual(2); // its request item and decision event
    const first = ofType('EventData').find(
      (e) =>
        e.data.baseData.properties?.correlationId === CORRELATION &&
        e.data.baseData.properties.language === 'fr',
    );
    expect(first?.data.baseData.properties).toMatchObject({ outcome: 'promo' });
    const invocationId = first?.data.baseData.properties?.invocationId;
    expect(invocationId).toMatch(/^[0-9a-f-]{36}$/);
    const request = ofType('RequestData').find(
      (e) => e.data.baseData.properties?.invocationId === invocationId,
    );
    expect(request?.data.baseData).toMatchObject({
      name: 'POST /api/ValidateProfile',
      responseCode: '200',
    });
  });

  it('sends one request per call, named by function, without the query string', () => {
    const requests = ofType('RequestData').map((e) => e.data.baseData);
    expect(requests.map((r) => r.name).sort()).toEqual([
      'POST /api/EnrichToken',
      'POST /api/GetProfile',
      'POST /api/GetProfile',
      'POST /api/ValidateProfile',
      'POST /api/ValidateProfile',
      'POST /api/ValidateProfile',
    ]);
    expect(requests.map((r) => r.responseCode).sort()).toEqual([
      '200',
      '200',
      '200',
      '200',
      '200',
      '409',
    ]);
    for (const request of requests) expect(String(request.url)).not.toContain('?');
  });

  it('sends dependencies for the Table Storage calls', () => {
    const dependencies = ofType('RemoteDependencyData').map((e) => e.data.baseData);
    expect(dependencies.length).toBeGreaterThanOrEqual(5);
    for (const dependency of dependencies) {
      expect(dependency.type).toBe('Http');
      expect(String(dependency.target)).toMatch(/^127\.0\.0\.1:\d+/);
      expect(String(dependency.name)).toMatch(/^(GET|POST|PUT) \/devstoreaccount1\/\w+$/);
      // The URL names the table only: entity keys (which encode emails) never leave the app.
      expect(String(dependency.data)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/\w+$/);
      expect(dependency.properties?.operation).toMatch(
        /^(read|query|insert|upsert|createTable|write|transaction) \w+$/,
      );
    }
    expect(dependencies.map((d) => d.properties?.operation)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^read Telemetry(Members|Balances)/)]),
    );
  });

  it('sends one event per decision with its dimensions', () => {
    const events = ofType('EventData').map((e) => ({
      name: e.data.baseData.name,
      ...e.data.baseData.properties,
    }));
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'ValidateProfile',
          function: 'ValidateProfile',
          dialect: 'customPolicy',
          outcome: 'promo',
          language: 'fr',
          correlationId: CORRELATION,
          emailDomain: 'contoso.com',
        }),
        expect.objectContaining({
          name: 'ValidateProfile',
          outcome: 'notAssociated',
          language: 'en',
        }),
        expect.objectContaining({
          name: 'ValidateProfile',
          dialect: 'userFlow',
          step: 'PostAttributeCollection',
          outcome: 'promo',
          language: 'ja',
          clientId: CLIENT,
        }),
        expect.objectContaining({ name: 'GetProfile', outcome: 'existing' }),
        expect.objectContaining({
          name: 'EnrichToken',
          step: 'PreTokenIssuance',
          outcome: 'claims',
          claims: 'balance,loyaltyId,promoCode',
          clientId: CLIENT,
        }),
      ]),
    );
    const userHashes = new Set(
      events.map((e) => (e as Record<string, unknown>).userHash).filter(Boolean),
    );
    expect(userHashes.size).toBe(1); // one person, one keyed hash, traceable without the email
  });

  it('sends the exception of a failed call, with the function, invocation id, table and key hash', () => {
    const exceptions = ofType('ExceptionData').map((e) => e.data.baseData);
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]?.properties).toMatchObject({
      function: 'GetProfile',
      table: expect.stringMatching(/^TelemetryBalances/),
      keyHash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(exceptions[0]?.properties?.invocationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never sends an email, loyalty ID, promo code, objectId, key or table key', () => {
    const everything = JSON.stringify(ingestion.envelopes.filter((e) => e.iKey === IKEY));
    for (const secret of [
      EMAIL,
      encodeURIComponent(EMAIL),
      Buffer.from(EMAIL).toString('base64url'),
      LOYALTY_ID,
      'WRONG-00000',
      PROMO,
      OBJECT_ID,
      Buffer.from(OBJECT_ID).toString('base64url'),
      BROKEN_OBJECT_ID,
      API_KEY,
      HASH_KEY,
      'secret-functions-key',
    ]) {
      expect(everything, secret).not.toContain(secret);
    }
  });
});
