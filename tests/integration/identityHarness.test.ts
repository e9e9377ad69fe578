/**
 * The harness for identity-based storage access, proven with real parts: Azurite's Table service
 * over HTTPS with `--oauth basic`, a local stand-in for the App Service managed identity
 * endpoint, and the real @azure/identity + @azure/data-tables in a child node process.
 *
 * FINDINGS
 * Versions: @azure/identity 4.13.1, @azure/msal-node 5.6.0, @azure/data-tables 13.3.2,
 * @azure/core-rest-pipeline 1.24.0, azurite 3.35.0, Node 20. Paths are under node_modules/;
 * "msal" = @azure/msal-node/lib/msal-node.cjs, "id" = @azure/identity/dist/commonjs,
 * "crp" = @azure/core-rest-pipeline/dist/commonjs, "az" = azurite/dist/src.
 *
 * 1. Managed identity protocol (App Service / Functions; MSAL source "AppService").
 *    - Chosen when IDENTITY_ENDPOINT and IDENTITY_HEADER are both set (msal 12305-12334);
 *      ServiceFabric wins only if IDENTITY_SERVER_THUMBPRINT is set too, AppService comes
 *      before AzureArc and IMDS (msal 13277-13283).
 *    - GET <IDENTITY_ENDPOINT exactly as set>?api-version=2019-08-01&resource=<resource>
 *      [&client_id=<id>], header X-IDENTITY-HEADER: <IDENTITY_HEADER> (msal 8020, 8030-8031,
 *      11924, 12268, 12348-12360). For storage, resource = https://storage.azure.com (the
 *      Table SDK asks for https://storage.azure.com/.default, data-tables utils/constants.js:9;
 *      "/.default" is stripped).
 *    - http://127.0.0.1 is fine: the URL is only checked for being non-empty (msal 12147,
 *      UrlString constructor 1211-1225) and the credential sets allowInsecureConnection
 *      (id credentials/managedIdentityCredential/index.js:66-67).
 *    - Response used: access_token, expires_on (epoch seconds; a string works, ISO 8601 too),
 *      resource, token_type; errors read from message / error / error_description
 *      (msal 11992-12030). client_id in the response is not used.
 *    - client_id: ManagedIdentityCredential sends it only when given ({ clientId }); it never
 *      reads AZURE_CLIENT_ID (index.js:43-54, measured). DefaultAzureCredential reads
 *      AZURE_CLIENT_ID by itself (id credentials/defaultAzureCredentialFunctions.js:57-58, 79-84);
 *      an explicit managedIdentityClientId wins over it (measured).
 *    - GOTCHA: with AZURE_TOKEN_CREDENTIALS=ManagedIdentityCredential, DefaultAzureCredential
 *      ignores its constructor options, managedIdentityClientId included (id
 *      credentials/defaultAzureCredential.js:100-105): only AZURE_CLIENT_ID still works
 *      (measured). AZURE_TOKEN_CREDENTIALS=prod keeps the option. So the setting for a
 *      user-assigned identity should be named AZURE_CLIENT_ID.
 *
 * 2. Azurite --oauth basic (az table/authentication/TableTokenAuthenticator.js).
 *    - Bearer tokens are only checked when --oauth is given (az table/
 *      TableRequestListenerFactory.js:91-100) and only over HTTPS: over http it is 403
 *      AuthenticationFailed "Authentication scheme Bearer is not allowed with HTTP." (40-41).
 *      The Table SDK refuses anyway: "Bearer token authentication is not permitted for non-TLS
 *      protected (non-https) URLs." (crp policies/bearerTokenAuthenticationPolicy.js:97-101).
 *    - The JWT is only decoded (jsonwebtoken.decode, line 95): the signature is NOT checked
 *      (line 103); alg "none" with an empty signature is accepted (measured).
 *    - Required: iat, nbf, exp present (105-109), nbf <= now <= exp (110-118); iss starting with
 *      https://sts.windows.net/, https://sts.microsoftonline.de/, https://sts.chinacloudapi.cn/ or
 *      https://sts.windows-ppe.net (az common/utils/constants.js:49-54; v2 issuers
 *      https://login.microsoftonline.com/... are rejected); aud one of
 *      https://storage.azure.com[/], e406a681-f3d4-42a8-90b6-c2b029497af1,
 *      https://<account>.table.core.windows.net[/] (or the sovereign clouds' suffixes), where
 *      <account> must be the account in the URL (az table/utils/constants.js:128-135,
 *      TableTokenAuthenticator.js:137-155). Scopes and roles are not checked (line 156): no RBAC.
 *    - Rejections (all measured): 403 AuthenticationFailed with AuthenticationErrorDetail
 *      "Invalid token audience." / "Invalid token issuer." / "Lifetime validation failed. The
 *      token is expired." / "Lifetime validation failed." (nbf) / "Authentication scheme Bearer
 *      is not supported." (not a JWT, no iat/nbf/exp); a non-Bearer, non-SharedKey scheme is 400
 *      InvalidAuthenticationInfo (37-38); no Authorization at all is 403 AuthorizationFailure
 *      (az table/errors/StorageErrorFactory.js:56-60, 106-113). Bodies are XML even for the
 *      Table API; the SDK's RestError has statusCode 403, code undefined, details.errorCode
 *      "AuthenticationFailed" and the raw XML as its message.
 *    - The account in the URL matters: it must be one Azurite knows (devstoreaccount1 unless
 *      AZURITE_ACCOUNTS): /otheraccount/... is 404 ResourceNotFound, token or not (line 22-26).
 *
 * 3. DefaultAzureCredential chain on failure (id credentials/defaultAzureCredential.js:70-81, 130).
 *    Order: EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, then
 *    VisualStudioCodeCredential, AzureCliCredential, AzurePowerShellCredential,
 *    AzureDeveloperCliCredential, BrokerCredential. ManagedIdentityCredential turns EVERY failure
 *    into CredentialUnavailableError (index.js:208-211), so the chain goes on to the developer
 *    tools (chainedTokenCredential.js:72-83) and ends in AggregateAuthenticationError
 *    "ChainedTokenCredential authentication failed." with 6 CredentialUnavailableErrors here
 *    (Environment, ManagedIdentity, VS Code, Azure CLI "could not be found", PowerShell "Unable to
 *    execute", azd "couldn't be found"; Workload and Broker add none). Without az/pwsh/azd on PATH
 *    the developer part costs < 100 ms. The CLIs are spawned with no timeout unless
 *    processTimeoutInMs is given (azureCliCredential.js:75, 114). AZURE_TOKEN_CREDENTIALS=prod
 *    stops after ManagedIdentityCredential.
 *    Time to fail is dominated by the managed identity retries (id client/identityClient.js:56,
 *    defaultAzureCredentialFunctions.js:49-52; 5xx/408 and ECONNREFUSED etc. are retried, delays
 *    d*2^n with 50-100% jitter): measured here
 *      - 400 from the endpoint: no retry; DefaultAzureCredential 105-145 ms, MI 80-150 ms;
 *      - 500: DefaultAzureCredential 6 calls, 16-22 s over 7 runs (bounds 12.4-24.8 s + work);
 *        ManagedIdentityCredential 4 calls, 4.7-5.8 s (bounds 3.5-7 s);
 *      - nothing listening: DefaultAzureCredential 22.0 s, ManagedIdentityCredential 6.0 s
 *        (measured once while building this harness; same retry rules);
 *      - 404/410 get another retry policy (imdsRetryPolicy.js:24-44): 404 like a 500, 410 from
 *        a 3 s start (5 retries: 47-93 s);
 *      - a slow endpoint is waited for: there is no request timeout.
 *    Bounding: the Table SDK passes its abortSignal to getToken (bearerTokenAuthenticationPolicy
 *    .js:43-47) but ManagedIdentityCredential ignores it (index.js:189 calls MSAL without it;
 *    identityClient.js:189-196 makes its own signal): measured, a 1 s abortSignal still failed
 *    after the full retries, and with a 3 s endpoint the call waits 3 s, then AbortError. What
 *    does bound it: retryOptions: { maxRetries: 0 } (or small) on DefaultAzureCredential (it is
 *    passed on to the managed identity client) made a 500 and an unreachable endpoint fail in
 *    ~100 ms with 1 call; for a hang, race getToken (or the whole storage call) against a
 *    deadline in the app.
 *
 * 4. Token caching. Per TableClient, the bearer policy's token cycler shares one in-flight
 *    getToken among concurrent requests and keeps the token until 2 min before expiry (then
 *    refreshes in the background; crp util/tokenCycler.js:25-32, 95-131): 50 concurrent
 *    getEntity as the first calls -> 1 call to the endpoint (measured). MSAL's managed identity
 *    cache is process-wide (static ManagedIdentityApplication.nodeStorage, msal 13308): a second
 *    TableClient with a new DefaultAzureCredential made 0 more calls (measured). MSAL sets
 *    refreshAfter = half the lifetime when it is over 2 h (msal 12002). No negative caching:
 *    after a failure the next request tries again (and pays the retries again).
 *
 * 5. Which credential in Azure. Same protocol, same cache, same first-token time (below).
 *    ManagedIdentityCredential fails faster (3 retries from 1 s vs 5 from 0.8 s), never falls
 *    through to developer tools, and cannot be taken over by EnvironmentCredential (first in
 *    DefaultAzureCredential when AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET are
 *    set), but it does not read AZURE_CLIENT_ID. Since the issue requires AZURE_CLIENT_ID to be
 *    honoured, DefaultAzureCredential is the fit, best with retryOptions set (and with
 *    AZURE_TOKEN_CREDENTIALS=prod in Azure if the chain should stop after managed identity).
 *
 * 6. Secrets in errors: no printed error (console.error of the thrown error, cause chain
 *    included) contained IDENTITY_HEADER or an access token, in 'refuse' or 'badToken'; the
 *    RestError shows the request with authorization "REDACTED" (measured).
 *
 * 7. Timings (this machine: 2 CPUs, other work running, so noisy). require('@azure/identity')
 *    in a fresh node process, median of 3: 150-245 ms over 4 runs (single runs 150-500 ms); when
 *    @azure/data-tables is already loaded it adds only ~90-150 ms (shared core packages). First
 *    token, from constructing the credential, median of 3: DefaultAzureCredential 55-100 ms,
 *    ManagedIdentityCredential 70-87 ms: no real difference.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { TableClient } from '@azure/data-tables';
import { describe, expect, inject, it } from 'vitest';
import { useOAuthHarness, type AzuriteOAuth } from '../support/azuriteOAuth';
import {
  bearerClaims,
  signedJwt,
  STORAGE_RESOURCE,
  type ManagedIdentityEndpoint,
} from '../support/managedIdentityEndpoint';

const CLIENT_ID = '5a1e0c7e-0000-4000-8000-0000000c11e7';
const TABLE = 'Probe';

let azurite: AzuriteOAuth;
let identity: ManagedIdentityEndpoint;

useOAuthHarness((started, endpoint) => {
  azurite = started;
  identity = endpoint;
});

/** A raw HTTPS GET to Azurite (trusting the test certificate) with this Authorization. */
function azuriteGet(
  path: string,
  authorization?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'x-ms-version': '2019-02-02',
      accept: 'application/json;odata=nometadata',
    };
    if (authorization !== undefined) headers.authorization = authorization;
    const req = request(
      `https://127.0.0.1:${azurite.port}${path}`,
      { ca: readFileSync(azurite.caFile), headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const bearer = (claims: Record<string, unknown>): string =>
  `Bearer ${signedJwt(bearerClaims(claims))}`;

/** One element of Azurite's XML error body (`Code`, `AuthenticationErrorDetail`). */
const xml = (body: string, element: string): string | undefined =>
  new RegExp(`<${element}>([^<]*)</${element}>`).exec(body)?.[1];

describe('Azurite --oauth basic, by raw requests with crafted tokens', () => {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = (claims: Record<string, unknown>): string =>
    `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.` +
    `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

  it.each([
    ['aud https://storage.azure.com', bearer({})],
    ['aud https://storage.azure.com/', bearer({ aud: 'https://storage.azure.com/' })],
    ['aud = the storage app id', bearer({ aud: 'e406a681-f3d4-42a8-90b6-c2b029497af1' })],
    ['aud of this account', bearer({ aud: 'https://devstoreaccount1.table.core.windows.net' })],
    ['issuer sts.windows-ppe.net', bearer({ iss: 'https://sts.windows-ppe.net/x/' })],
    ['an unsigned token (alg none)', unsigned(bearerClaims())],
  ])('accepts %s', async (_, authorization) => {
    expect((await azuriteGet('/devstoreaccount1/Tables', authorization)).status).toBe(200);
  });

  it.each([
    [
      'aud of another account',
      { aud: 'https://other.table.core.windows.net' },
      'Invalid token audience.',
    ],
    [
      'aud of the blob service',
      { aud: 'https://devstoreaccount1.blob.core.windows.net' },
      'Invalid token audience.',
    ],
    [
      'issuer login.microsoftonline.com (v2)',
      { iss: 'https://login.microsoftonline.com/x/v2.0' },
      'Invalid token issuer.',
    ],
    ['exp in the past', { exp: now - 60 }, 'Lifetime validation failed. The token is expired.'],
    ['nbf in the future', { nbf: now + 600 }, 'Lifetime validation failed.'],
    ['no iat', { iat: undefined }, 'Authentication scheme Bearer is not supported.'],
  ])('rejects %s: 403 AuthenticationFailed', async (_, claims, detail) => {
    const response = await azuriteGet('/devstoreaccount1/Tables', bearer(claims));
    expect(response.status).toBe(403);
    expect(xml(response.body, 'Code')).toBe('AuthenticationFailed');
    expect(xml(response.body, 'AuthenticationErrorDetail')).toBe(detail);
  });

  it('rejects a Bearer value that is not a JWT, and a request with no Authorization at all', async () => {
    const junk = await azuriteGet('/devstoreaccount1/Tables', 'Bearer not-a-jwt');
    expect([junk.status, xml(junk.body, 'Code')]).toEqual([403, 'AuthenticationFailed']);
    expect(xml(junk.body, 'AuthenticationErrorDetail')).toBe(
      'Authentication scheme Bearer is not supported.',
    );
    const none = await azuriteGet('/devstoreaccount1/Tables');
    expect([none.status, xml(none.body, 'Code')]).toEqual([403, 'AuthorizationFailure']);
  });

  it('needs an account it knows in the URL: 404 ResourceNotFound otherwise, even with a good token', async () => {
    const response = await azuriteGet('/otheraccount/Tables', bearer({}));
    expect([response.status, xml(response.body, 'Code')]).toEqual([404, 'ResourceNotFound']);
  });

  it('the Table SDK itself never sends a Bearer token over http', async () => {
    const credential = {
      getToken: async () => ({ token: 'x', expiresOnTimestamp: Date.now() + 1e6 }),
    };
    const client = new TableClient(
      `http://127.0.0.1:${inject('azuritePort')}/devstoreaccount1`,
      TABLE,
      credential,
    );
    await expect(client.getEntity('p', 'r')).rejects.toThrow(
      'Bearer token authentication is not permitted for non-TLS protected (non-https) URLs.',
    );
  });
});

describe('the managed identity stand-in', () => {
  const get = (query: string, secret?: string) =>
    fetch(`${identity.url}?${query}`, {
      headers: secret === undefined ? {} : { 'X-IDENTITY-HEADER': secret },
    });
  const storage = `resource=${encodeURIComponent(STORAGE_RESOURCE)}&api-version=2019-08-01`;

  it('answers the App Service protocol: token JSON for the right secret header', async () => {
    identity.reset();
    const response = await get(`${storage}&client_id=${CLIENT_ID}`, identity.secret);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({
      resource: STORAGE_RESOURCE,
      token_type: 'Bearer',
      client_id: CLIENT_ID,
    });
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000 + 3000);
    expect(identity.calls).toMatchObject([
      { resource: STORAGE_RESOURCE, clientId: CLIENT_ID, authorized: true },
    ]);
    // The token it issued is one Azurite accepts.
    expect(
      (await azuriteGet('/devstoreaccount1/Tables', `Bearer ${body.access_token}`)).status,
    ).toBe(200);
  });

  it('401 without (or with a wrong) secret header, 400 without api-version', async () => {
    expect((await get(storage)).status).toBe(401);
    expect((await get(storage, 'wrong')).status).toBe(401);
    expect((await get(`resource=${STORAGE_RESOURCE}`, identity.secret)).status).toBe(400);
  });

  it("'refuse' answers an error with a body; 'badToken' a token Azurite rejects", async () => {
    identity.setMode('refuse', { status: 500 });
    const refused = await get(storage, identity.secret);
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({ statusCode: 500, message: expect.any(String) });
    identity.setMode('badToken');
    const bad = (await (await get(storage, identity.secret)).json()) as { access_token: string };
    expect(
      (await azuriteGet('/devstoreaccount1/Tables', `Bearer ${bad.access_token}`)).status,
    ).toBe(403);
  });
});
