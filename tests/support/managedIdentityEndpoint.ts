/**
 * A local stand-in for the managed identity endpoint of App Service / Azure Functions, the one
 * `ManagedIdentityCredential` (MSAL's "AppService" source) calls when IDENTITY_ENDPOINT and
 * IDENTITY_HEADER are set:
 *
 *   GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=<resource>[&client_id=<id>]
 *   X-IDENTITY-HEADER: <IDENTITY_HEADER>
 *   -> 200 {access_token, expires_on (epoch seconds, a string), resource, token_type, client_id}
 *
 * Plain HTTP on 127.0.0.1 (the SDK allows http for managed identity). Every call is recorded.
 * The mode can be switched at run time: 'ok' issues tokens that Azurite `--oauth basic` accepts,
 * 'refuse' answers an error, 'badToken' issues a token Azurite rejects. Tokens are real JWTs
 * signed (HS256) with a throwaway key: Azurite only decodes them and checks the claims.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';

export const STORAGE_RESOURCE = 'https://storage.azure.com';
export const TEST_TENANT_ID = '00000000-0000-4000-8000-00000000aaaa';
const PATH = '/msi/token';
const API_VERSION = '2019-08-01';

export type IdentityMode = 'ok' | 'refuse' | 'badToken';
/** What is wrong with a 'badToken' token (each is a different Azurite 403 detail). */
export type BadTokenKind = 'audience' | 'expired' | 'issuer' | 'notJwt';

export interface ModeOptions {
  /** 'refuse': the HTTP status of the error (default 400, as for an unknown identity). */
  readonly status?: number;
  /** 'badToken': what is wrong with the token (default 'audience'). */
  readonly badToken?: BadTokenKind;
  /** Any mode: wait this long before answering. */
  readonly delayMs?: number;
}

export interface IdentityCall {
  readonly at: number;
  readonly path: string;
  readonly resource: string | null;
  readonly clientId: string | null;
  readonly apiVersion: string | null;
  /** Whether X-IDENTITY-HEADER carried the secret. */
  readonly authorized: boolean;
  readonly mode: IdentityMode;
  readonly status: number;
}

export interface ManagedIdentityEndpoint {
  readonly url: string;
  readonly secret: string;
  readonly calls: readonly IdentityCall[];
  /** Every access token handed out, to check that none leaks into messages. */
  readonly issuedTokens: readonly string[];
  setMode(mode: IdentityMode, options?: ModeOptions): void;
  /** The two variables that make the SDK use this endpoint. */
  env(): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** Forgets the recorded calls. */
  reset(): void;
  close(): Promise<void>;
}

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A compact JWS (HS256) over these claims, signed with a key nobody keeps. */
export function signedJwt(claims: Record<string, unknown>): string {
  const body = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${body}.${createHmac('sha256', randomBytes(32)).update(body).digest('base64url')}`;
}

/**
 * Claims of an app-only Entra token that Azurite `--oauth basic` accepts: aud is
 * https://storage.azure.com (or https://<account>.table.core.windows.net), iss starts with
 * https://sts.windows.net/, and nbf <= now <= exp, with iat present.
 */
export function bearerClaims(
  overrides: Record<string, unknown> = {},
  lifetimeSeconds = 3600,
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: STORAGE_RESOURCE,
    iss: `https://sts.windows.net/${TEST_TENANT_ID}/`,
    iat: now - 300,
    nbf: now - 300,
    exp: now + lifetimeSeconds,
    tid: TEST_TENANT_ID,
    oid: '00000000-0000-4000-8000-00000000bbbb',
    sub: '00000000-0000-4000-8000-00000000bbbb',
    idtyp: 'app',
    ...overrides,
  };
}

function badClaims(kind: BadTokenKind, resource: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  if (kind === 'expired') return bearerClaims({ aud: resource, exp: now - 600 });
  if (kind === 'issuer') return bearerClaims({ aud: resource, iss: 'https://issuer.example/' });
  return bearerClaims({ aud: 'https://vault.azure.net' });
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

export async function startManagedIdentityEndpoint(
  options: { lifetimeSeconds?: number } = {},
): Promise<ManagedIdentityEndpoint> {
  const lifetimeSeconds = options.lifetimeSeconds ?? 3600;
  const secret = randomBytes(24).toString('hex');
  const calls: IdentityCall[] = [];
  const issuedTokens: string[] = [];
  let mode: IdentityMode = 'ok';
  let modeOptions: ModeOptions = {};

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const resource = url.searchParams.get('resource');
    const clientId = url.searchParams.get('client_id');
    const apiVersion = url.searchParams.get('api-version');
    const authorized = request.headers['x-identity-header'] === secret;
    const current = mode;
    const { status: refuseStatus = 400, badToken = 'audience', delayMs = 0 } = modeOptions;

    const respond = (): void => {
      const record = (status: number): void => {
        calls.push({
          at: Date.now(),
          path: url.pathname,
          resource,
          clientId,
          apiVersion,
          authorized,
          mode: current,
          status,
        });
      };
      const fail = (status: number, message: string): void => {
        record(status);
        answer(response, status, { statusCode: status, message, correlationId: randomUUID() });
      };
      if (request.method !== 'GET' || url.pathname !== PATH) return fail(404, 'Not found.');
      if (!authorized) return fail(401, 'The X-IDENTITY-HEADER header is missing or wrong.');
      if (apiVersion !== API_VERSION || !resource) {
        return fail(400, `Expected api-version=${API_VERSION} and a resource.`);
      }
      if (current === 'refuse') return fail(refuseStatus, 'Unable to load the managed identity.');

      const claims =
        current === 'badToken'
          ? badClaims(badToken, resource)
          : bearerClaims({ aud: resource }, lifetimeSeconds);
      if (clientId) claims.appid = clientId;
      const token =
        current === 'badToken' && badToken === 'notJwt'
          ? randomBytes(32).toString('base64url')
          : signedJwt(claims);
      issuedTokens.push(token);
      record(200);
      answer(response, 200, {
        access_token: token,
        expires_on: String(Math.floor(Date.now() / 1000) + lifetimeSeconds),
        resource,
        token_type: 'Bearer',
        client_id: clientId ?? '00000000-0000-4000-8000-00000000cccc',
      });
    };
    if (delayMs > 0) setTimeout(respond, delayMs);
    else respond();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}${PATH}`;

  return {
    url,
    secret,
    calls,
    issuedTokens,
    setMode(next, nextOptions = {}) {
      mode = next;
      modeOptions = nextOptions;
    },
    env: () => ({ IDENTITY_ENDPOINT: url, IDENTITY_HEADER: secret }),
    reset() {
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
