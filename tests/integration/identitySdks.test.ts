/**
 * The real @azure/identity + @azure/data-tables in a child node process against Azurite's Table
 * service over HTTPS with `--oauth basic` and the managed identity stand-in: what works, what
 * is cached, and how each failure surfaces (the findings behind it are in the header of
 * identityHarness.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useOAuthHarness, type AzuriteOAuth } from '../support/azuriteOAuth';
import { runIdentityChild, type ChildOptions, type ChildRun } from '../support/identityChild';
import {
  startManagedIdentityEndpoint,
  STORAGE_RESOURCE,
  type ManagedIdentityEndpoint,
} from '../support/managedIdentityEndpoint';

const CLIENT_ID = '5a1e0c7e-0000-4000-8000-0000000c11e7';
const OTHER_CLIENT_ID = '5a1e0c7e-0000-4000-8000-00000000e2e2';
const TABLE = 'Probe';

let azurite: AzuriteOAuth;
let identity: ManagedIdentityEndpoint;

useOAuthHarness((started, endpoint) => {
  azurite = started;
  identity = endpoint;
});

/** The child's whole environment besides PATH: no AZURE_* secrets, no HOME. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { NODE_EXTRA_CA_CERTS: azurite.caFile, ...identity.env(), ...extra };
}

/** Runs the child with the stand-in reset first, so `identity.calls` are this run's. */
async function run(
  options: Omit<ChildOptions, 'endpoint'>,
  extraEnv: Record<string, string> = {},
): Promise<ChildRun> {
  identity.reset();
  return runIdentityChild({ endpoint: azurite.endpoint, ...options }, childEnv(extraEnv));
}

const read = { kind: 'read', table: TABLE } as const;

describe('the real SDKs in a child process', () => {
  beforeAll(async () => {
    // The entity every 'read' below reads (p, r in TABLE), written the same way.
    const { result } = await run({
      credential: 'default',
      action: { kind: 'roundtrip', table: TABLE },
    });
    expect(result.error).toBeUndefined();
  });

  it('(a) DefaultAzureCredential: create a table, upsert and read an entity', async () => {
    const { result } = await run({
      credential: 'default',
      action: { kind: 'roundtrip', table: `${TABLE}A` },
    });
    expect(result.error).toBeUndefined();
    expect(result.statuses).toEqual([201, 204, 200]);
    expect(result.values.value).toBe('probe');
    expect(identity.calls).toMatchObject([
      {
        resource: STORAGE_RESOURCE,
        apiVersion: '2019-08-01',
        clientId: null,
        authorized: true,
        status: 200,
      },
    ]);
  });

  it('(b) 50 concurrent reads fetch one token; a second client and credential reuse it', async () => {
    const { result } = await run({
      credential: 'default',
      action: { kind: 'concurrent', table: TABLE, count: 50 },
    });
    expect(result.error).toBeUndefined();
    expect(result.statuses).toEqual(Array(51).fill(200));
    const { concurrentDone = 0 } = result.marks;
    expect(identity.calls.filter((c) => c.at <= concurrentDone)).toHaveLength(1);
    // MSAL's managed identity token cache is process-wide (a static), not per credential.
    expect(identity.calls).toHaveLength(1);
  });

  describe('(c) user-assigned identity: client_id', () => {
    const clientIdSeen = async (
      options: Omit<ChildOptions, 'endpoint' | 'action'>,
      env: Record<string, string>,
    ): Promise<string | null | undefined> => {
      const { result } = await run({ ...options, action: read }, env);
      expect(result.error).toBeUndefined();
      expect(result.statuses).toEqual([200]);
      return identity.calls[0]?.clientId;
    };

    it('DefaultAzureCredential({ managedIdentityClientId }) sends it', async () => {
      expect(
        await clientIdSeen({ credential: 'defaultWithClientId' }, { AZURE_CLIENT_ID: CLIENT_ID }),
      ).toBe(CLIENT_ID);
    });

    it('DefaultAzureCredential() reads AZURE_CLIENT_ID by itself; an explicit option wins', async () => {
      expect(await clientIdSeen({ credential: 'default' }, { AZURE_CLIENT_ID: CLIENT_ID })).toBe(
        CLIENT_ID,
      );
      expect(
        await clientIdSeen(
          { credential: 'defaultWithClientId', clientId: OTHER_CLIENT_ID },
          { AZURE_CLIENT_ID: CLIENT_ID },
        ),
      ).toBe(OTHER_CLIENT_ID);
    });

    it('ManagedIdentityCredential() ignores AZURE_CLIENT_ID (system-assigned)', async () => {
      expect(
        await clientIdSeen({ credential: 'managedIdentity' }, { AZURE_CLIENT_ID: CLIENT_ID }),
      ).toBeNull();
      expect(
        await clientIdSeen({ credential: 'managedIdentityWithClientId', clientId: CLIENT_ID }, {}),
      ).toBe(CLIENT_ID);
    });

    it('AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential drops the managedIdentityClientId option', async () => {
      const only = { AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential' };
      const withOption = { credential: 'defaultWithClientId', clientId: CLIENT_ID } as const;
      expect(await clientIdSeen(withOption, only)).toBeNull();
      // Only the environment variable counts then, even against the option.
      expect(await clientIdSeen(withOption, { ...only, AZURE_CLIENT_ID: OTHER_CLIENT_ID })).toBe(
        OTHER_CLIENT_ID,
      );
      expect(await clientIdSeen(withOption, { AZURE_TOKEN_CREDENTIALS: 'prod' })).toBe(CLIENT_ID);
    });
  });

  describe("(d) the identity endpoint refuses ('refuse')", () => {
    const expectNoSecrets = (child: ChildRun): void => {
      expect(child.output).not.toContain(identity.secret);
      for (const token of identity.issuedTokens) expect(child.output).not.toContain(token);
    };

    it('400: DefaultAzureCredential walks the whole chain and fails fast with AggregateAuthenticationError', async ({
      annotate,
    }) => {
      identity.setMode('refuse', { status: 400 });
      const child = await run({ credential: 'default', action: read });
      const { error, elapsedMs } = child.result;
      expect(error?.name).toBe('AggregateAuthenticationError');
      expect(error?.message).toMatch(/^ChainedTokenCredential authentication failed\./);
      const errors = error?.errors ?? [];
      expect(errors.map((e) => e.name)).toEqual(Array(6).fill('CredentialUnavailableError'));
      expect(errors.map((e) => e.message)).toEqual([
        expect.stringContaining('EnvironmentCredential is unavailable'),
        expect.stringContaining('ManagedIdentityCredential: Authentication failed.'),
        expect.stringContaining('Visual Studio Code Authentication'),
        expect.stringContaining('Azure CLI could not be found'),
        expect.stringContaining('Unable to execute PowerShell'),
        expect.stringContaining("Azure Developer CLI couldn't be found"),
      ]);
      expect(errors[1]?.message).toContain('Unable to load the managed identity.');
      expect(identity.calls).toHaveLength(1);
      expect(elapsedMs).toBeLessThan(5000);
      expectNoSecrets(child);
      await annotate(`DefaultAzureCredential, 400: failed after ${elapsedMs} ms`);
    });

    it('400: ManagedIdentityCredential fails with CredentialUnavailableError, one call', async ({
      annotate,
    }) => {
      identity.setMode('refuse', { status: 400 });
      const child = await run({ credential: 'managedIdentity', action: read });
      expect(child.result.error?.name).toBe('CredentialUnavailableError');
      expect(child.result.error?.message).toMatch(
        /^ManagedIdentityCredential: Authentication failed\./,
      );
      expect(identity.calls).toHaveLength(1);
      expectNoSecrets(child);
      await annotate(`ManagedIdentityCredential, 400: failed after ${child.result.elapsedMs} ms`);
    });

    it('retryOptions { maxRetries: 0 } bounds it: one call, fails at once (also when nothing listens)', async ({
      annotate,
    }) => {
      identity.setMode('refuse', { status: 500 });
      const options = {
        credential: 'default',
        credentialOptions: { retryOptions: { maxRetries: 0 } },
      } as const;
      const refused = await run({ ...options, action: read });
      expect(refused.result.error?.name).toBe('AggregateAuthenticationError');
      expect(identity.calls).toHaveLength(1);

      const closed = await startManagedIdentityEndpoint();
      await closed.close();
      const unreachable = await runIdentityChild(
        { endpoint: azurite.endpoint, ...options, action: read },
        childEnv(closed.env()),
      );
      expect(unreachable.result.error?.errors?.[1]?.message).toMatch(
        /^ManagedIdentityCredential: Network unreachable\./,
      );
      await annotate(
        `DefaultAzureCredential with maxRetries 0: 500 failed after ${refused.result.elapsedMs} ms, ` +
          `unreachable after ${unreachable.result.elapsedMs} ms`,
      );
    });
  });

  describe("(e) the token is bad ('badToken'): Azurite answers 403 AuthenticationFailed", () => {
    it.each([
      ['audience', 'Invalid token audience.'],
      ['expired', 'Lifetime validation failed. The token is expired.'],
    ] as const)('%s', async (badToken, detail) => {
      identity.setMode('badToken', { badToken });
      const child = await run({ credential: 'default', action: read });
      const { error, statuses } = child.result;
      expect(statuses).toEqual([403]);
      expect(error).toMatchObject({
        name: 'RestError',
        statusCode: 403,
        code: 'AuthenticationFailed',
      });
      expect(error?.message).toContain(
        `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>`,
      );
      // The printed RestError shows the request with its authorization header REDACTED.
      expect(child.output).toMatch(/"authorization": "REDACTED"/);
      expect(identity.issuedTokens.length).toBeGreaterThan(0);
      for (const token of identity.issuedTokens) expect(child.output).not.toContain(token);
      expect(child.output).not.toContain(identity.secret);
    });
  });
});
