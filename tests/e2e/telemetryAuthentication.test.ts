/**
 * Telemetry with local authentication disabled (APPLICATIONINSIGHTS_AUTHENTICATION_STRING): the
 * running host sends to a local HTTPS ingestion endpoint with a token of the app's managed
 * identity (the stand-in endpoint) for Azure Monitor, and never logs the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startManagedIdentityEndpoint,
  type ManagedIdentityEndpoint,
} from '../support/managedIdentityEndpoint';
import { startHost } from '../support/host';
import { azuriteConnectionString } from '../support/tables';
import { startIngestion, waitFor, type Ingestion } from '../support/ingestionStandIn';

const OBJECT_ID = '9d1e7c4a-5b3f-4e2a-8c6d-0a1b2c3d4e5f';
const API_KEY = 'telemetry-api-key-0123456789';

const ENTRA_IKEY = '66666666-7777-4888-9999-000000000000';
let ingestion: Ingestion;

beforeAll(async () => {
  ingestion = await startIngestion();
});

afterAll(async () => {
  await ingestion.close();
});

describe('with APPLICATIONINSIGHTS_AUTHENTICATION_STRING (local authentication disabled)', () => {
  const CLIENT_ID = '4b7e1d2c-3a5f-4e6d-8c9b-0a1f2e3d4c5b';
  let identity: ManagedIdentityEndpoint;
  let output = '';

  beforeAll(async () => {
    identity = await startManagedIdentityEndpoint();
    const host = await startHost({
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      SEED_DEMO_DATA: 'false',
      API_AUTH: 'apikey',
      API_KEY,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${ENTRA_IKEY};IngestionEndpoint=https://127.0.0.1:${ingestion.port}/`,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=${CLIENT_ID}`,
      NODE_EXTRA_CA_CERTS: ingestion.certificate.certFile,
      ...identity.env(),
    });
    try {
      const answer = await fetch(`${host.baseUrl}/api/GetProfile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify({ objectId: OBJECT_ID }),
      });
      expect(answer.status).toBe(200);
    } finally {
      expect(await host.stop()).toBe(0);
      output = host.output();
    }
    await waitFor(() =>
      ingestion.envelopes.some((e) => e.iKey === ENTRA_IKEY && e.name.endsWith('Request')),
    );
  }, 60_000);

  afterAll(async () => identity.close());

  it("sends with a token of the app's managed identity for Azure Monitor", () => {
    const sent = ingestion.posts.filter((p) => p.iKey === ENTRA_IKEY);
    expect(sent.length).toBeGreaterThan(0);
    for (const post of sent) {
      const token = /^Bearer (.+)$/.exec(post.authorization ?? '')?.[1];
      expect(identity.issuedTokens).toContain(token);
    }
    const asked = identity.calls.filter((c) => c.status === 200);
    expect(asked.length).toBeGreaterThan(0);
    for (const call of asked) {
      expect(call.resource).toMatch(/^https:\/\/monitor\.azure\.com\/?$/);
      expect(call.clientId).toBe(CLIENT_ID);
    }
  });

  it('never writes the token in the log', () => {
    for (const token of identity.issuedTokens) expect(output).not.toContain(token);
  });
});
