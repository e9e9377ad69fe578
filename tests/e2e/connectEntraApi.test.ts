/**
 * End to end: `connect entra` against the Graph stand-in prints the API's settings; the API
 * started with exactly those settings accepts a call whose token is shaped as Entra sends it for
 * this registration (aud the API's app id, azp Entra's authentication events app, the tenant's
 * ciamlogin.com issuer, signed by keys this test serves), answers tokenIssuanceStart with the
 * claims the extension lists, and refuses a token for another audience.
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenIssuanceStart } from '../../scripts/preview/simulators/entraEvents';
import { extensions } from '../support/graph/entraRoutes';
import { printedSettings, startEntraTenant, type EntraTenant } from '../support/graph/entraTenant';
import { startHost, type RunningHost } from '../support/host';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

const EVENTS_APP = '99045fe1-7639-4a75-9d4a-577b6ca3810f';
/** Demo data the host seeds: emily@outlook.com's membership and this user's balance. */
const EMILY = { id: 'ab3ec3b2-a435-45e4-b93a-56a005e88bb7', mail: 'emily@outlook.com' };

let tenant: EntraTenant;
let host: RunningHost;
let keys: Server;
let signingKey: KeyLike;
let settings: Record<string, string>;
let listedClaims: string[];

beforeAll(async () => {
  tenant = await startEntraTenant();
  const run = await tenant.connect(['--yes', '--events', 'tokenIssuanceStart']);
  expect(run.code, run.output).toBe(0);
  settings = printedSettings(run.stdout);
  const token = [...extensions(tenant.graph.store).values()][0];
  listedClaims = ((token?.claimsForTokenConfiguration ?? []) as { claimIdInApiResponse: string }[])
    .map((c) => c.claimIdInApiResponse)
    .sort();

  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'ciam-1', alg: 'RS256', use: 'sig' };
  keys = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
  const address = keys.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const tables = uniqueTableNames('ConnectEntra');
  host = await startHost({
    ...settings,
    ENTRA_JWKS_URI: `http://127.0.0.1:${port}/${settings.ENTRA_TENANT_ID}/discovery/v2.0/keys`,
    TABLES_CONNECTION_STRING: azuriteConnectionString(),
    LOYALTY_TABLE_NAME: tables.loyaltyTableName,
    BALANCES_TABLE_NAME: tables.balancesTableName,
  });
});

afterAll(async () => {
  await host?.stop();
  await new Promise<void>((resolve) =>
    keys === undefined ? resolve() : keys.close(() => resolve()),
  );
  await tenant?.graph.close();
});

/** An access token as Entra issues it to its authentication events service for the API. */
function entraToken(audience: string): Promise<string> {
  return new SignJWT({ azp: EVENTS_APP, azpacr: '1', tid: settings.ENTRA_TENANT_ID, ver: '2.0' })
    .setProtectedHeader({ alg: 'RS256', kid: 'ciam-1', typ: 'JWT' })
    .setIssuer(`https://contosoloyalty.ciamlogin.com/${settings.ENTRA_TENANT_ID}/v2.0`)
    .setAudience(audience)
    .setSubject('5b2d6e4f-0000-4000-8000-00000000c1a1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signingKey);
}

async function callEnrichToken(token: string) {
  const response = await fetch(`${host.baseUrl}/api/EnrichToken`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(tokenIssuanceStart(EMILY)),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the API started with the settings connect entra printed', () => {
  it('are the settings of this registration', () => {
    expect(settings).toMatchObject({ API_AUTH: 'entra', ENTRA_REQUEST_BUDGET_MS: '1500' });
    expect(settings.ENTRA_API_APP_ID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers tokenIssuanceStart with exactly the claims the extension lists', async () => {
    const answer = await callEnrichToken(await entraToken(settings.ENTRA_API_APP_ID ?? ''));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({
      data: {
        '@odata.type': 'microsoft.graph.onTokenIssuanceStartResponseData',
        actions: [
          {
            '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken',
            claims: { balance: '202.75', loyaltyId: '24534', promoCode: '84362' },
          },
        ],
      },
    });
    const actions = (answer.body.data as { actions: { claims: object }[] }).actions;
    expect(Object.keys(actions[0]?.claims ?? {}).sort()).toEqual(listedClaims);
  });

  it('refuses a token for another audience', async () => {
    const answer = await callEnrichToken(await entraToken('7c9e6679-7425-40de-944b-e07fc1f90ae7'));
    expect(answer.status).toBe(401);
    expect(JSON.stringify(answer.body)).not.toContain('202.75');
  });
});
