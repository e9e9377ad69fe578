/**
 * Identity-based storage, end to end with real parts: Azurite over HTTPS with `--oauth basic`
 * (a certificate this test makes, trusted through NODE_EXTRA_CA_CERTS) and a local stand-in for
 * the App Service managed identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER). The host,
 * started with TABLES_ENDPOINT and those two variables only, serves every function through the
 * real @azure/identity code path; the loyalty CLI imports and reads through it too; tokens are
 * cached; and when the identity endpoint refuses, or storage rejects its token, the answers are
 * the degraded ones, logged with the reason and never the token.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../support/runProcess';
import { startAzuriteOAuth, type AzuriteOAuth } from '../support/azuriteOAuth';
import { APP_ROOT, startHost, type RunningHost } from '../support/host';
import {
  startManagedIdentityEndpoint,
  type ManagedIdentityEndpoint,
} from '../support/managedIdentityEndpoint';
import { makeTestCertificate, type TestCertificate } from '../support/testCertificate';

/** Users by objectId: a GUID, as B2C and Entra send it. */
const IDENTITY_USER = '41de6f19-3509-4ce5-8d0b-b996033fb2a8';

const MEMBER = { email: 'identity.member@contoso.com', loyaltyId: 'ID-4711', promo: 'KEYLESS' };
let certificate: TestCertificate;
let azurite: AzuriteOAuth;
let identity: ManagedIdentityEndpoint;

beforeAll(async () => {
  certificate = await makeTestCertificate('identity-e2e-');
  azurite = await startAzuriteOAuth({ certificate });
  identity = await startManagedIdentityEndpoint();
});

afterAll(async () => {
  await identity?.close();
  await azurite?.stop();
  certificate?.cleanup();
});

/** Only the table endpoint and the identity endpoint: no key, no connection string. */
function identityEnv(): Record<string, string> {
  return {
    TABLES_ENDPOINT: azurite.endpoint,
    ...identity.env(),
    NODE_EXTRA_CA_CERTS: certificate.certFile,
    // As set by nothing: a local.settings.json of the developer's must not bring one in.
    TABLES_CONNECTION_STRING: '',
    AzureWebJobsStorage: '',
  };
}

/** The built CLI, asynchronously: the identity stand-in answers from this very process. */
async function loyalty(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const run = await runProcess(
    process.execPath,
    [join(APP_ROOT, 'dist/scripts/loyalty.js'), ...args],
    {
      env: identityEnv(),
    },
  );
  return { code: run.code, out: run.stdout, err: run.stderr };
}

async function post(host: RunningHost, fn: string, body: object) {
  const response = await fetch(`${host.baseUrl}/api/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function expectNoSecrets(text: string): void {
  expect(identity.issuedTokens.length).toBeGreaterThan(0);
  for (const token of identity.issuedTokens) expect(text).not.toContain(token);
  expect(text).not.toContain(identity.secret);
}

describe('with only TABLES_ENDPOINT and a managed identity', () => {
  it('the loyalty CLI imports and reads through a Microsoft Entra token', async () => {
    identity.setMode('ok');
    const csv = join(certificate.dir, 'members.csv');
    writeFileSync(
      csv,
      `email,loyaltyId,promoCode,status\n${MEMBER.email},${MEMBER.loyaltyId},${MEMBER.promo},active\n`,
    );
    const imported = await loyalty(['import', csv]);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain('1 added');
    expect(imported.err).toContain(
      `Storage: Table Storage at ${azurite.endpoint} with a Microsoft Entra token (DefaultAzureCredential; from TABLES_ENDPOINT)`,
    );
    const got = await loyalty(['get', '--email', MEMBER.email]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.out)).toEqual([
      {
        email: MEMBER.email,
        loyaltyId: MEMBER.loyaltyId,
        promoCode: MEMBER.promo,
        status: 'active',
      },
    ]);
    expect(identity.calls.every((c) => c.resource === 'https://storage.azure.com')).toBe(true);
    expectNoSecrets(imported.out + imported.err + got.out + got.err);
  });

  it('the host validates, registers and enriches through it, fetching one token for 100 calls', async () => {
    identity.setMode('ok');
    identity.reset();
    const host = await startHost({ ...identityEnv(), SEED_DEMO_DATA: 'false' });
    try {
      expect(host.output()).toContain(
        `Storage: Table Storage at ${azurite.endpoint} with a Microsoft Entra token`,
      );
      expect(
        await post(host, 'ValidateProfile', { email: MEMBER.email, loyaltyId: MEMBER.loyaltyId }),
      ).toEqual({ status: 200, body: { promoCode: MEMBER.promo } });
      expect(
        await post(host, 'ValidateProfile', { email: MEMBER.email, loyaltyId: 'NOT-MINE' }),
      ).toMatchObject({ status: 409, body: { code: 'NotAssociated' } });
      expect(await post(host, 'GetProfile', { objectId: IDENTITY_USER })).toEqual({
        status: 200,
        body: { balance: '50.00' },
      });
      expect(
        await post(host, 'EnrichToken', {
          step: 'PreTokenIssuance',
          objectId: IDENTITY_USER,
          email: MEMBER.email,
        }),
      ).toEqual({
        status: 200,
        body: {
          version: '1.0.0',
          action: 'Continue',
          extension_balance: '50.00',
          extension_loyaltyId: MEMBER.loyaltyId,
          extension_promoCode: MEMBER.promo,
        },
      });
      const load = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          post(host, 'GetProfile', { objectId: `10ad0000-0000-4000-8000-00000000000${i % 10}` }),
        ),
      );
      expect(load.every((a) => a.status === 200 && a.body.balance === '50.00')).toBe(true);
      // Cached: the whole run above, every table client of it, cost one token.
      expect(identity.calls).toHaveLength(1);
      expectNoSecrets(host.output());
    } finally {
      await host.stop();
    }
  });

  it.each([
    [
      'the identity endpoint refuses',
      'refuse' as const,
      /CredentialUnavailableError|AuthenticationError/,
    ],
    [
      'storage rejects the token it hands out',
      'badToken' as const,
      /HTTP 403 AuthenticationFailed/,
    ],
  ])(
    'when %s: the degraded answers, and a log that says why without the token',
    async (_name, mode, why) => {
      identity.setMode(mode);
      const host = await startHost({ ...identityEnv(), SEED_DEMO_DATA: 'false' });
      try {
        expect(
          await post(host, 'ValidateProfile', { email: MEMBER.email, loyaltyId: MEMBER.loyaltyId }),
        ).toMatchObject({ status: 409, body: { code: 'Unavailable' } });
        expect(await post(host, 'GetProfile', { objectId: IDENTITY_USER })).toEqual({
          status: 200,
          body: {},
        });
        expect(
          await post(host, 'EnrichToken', {
            step: 'PreTokenIssuance',
            objectId: IDENTITY_USER,
          }),
        ).toEqual({ status: 200, body: { version: '1.0.0', action: 'Continue' } });
        expect((await fetch(`${host.baseUrl}/api/health`)).status).toBe(503);
        expect(host.output()).toContain('storage unavailable');
        expect(host.output()).toMatch(why);
        if (mode === 'badToken') expectNoSecrets(host.output());
        expect(host.output()).not.toContain(identity.secret);
      } finally {
        await host.stop();
        identity.setMode('ok');
      }
    },
  );
});
