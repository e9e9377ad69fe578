/**
 * A local HTTPS stand-in for Microsoft Entra's signing-keys endpoint of a tenant
 *
 *   GET /<tenant>/discovery/v2.0/keys -> 200 application/json {keys: [{kty, use, kid, n, e, alg}]}
 *
 * (the document the app fetches for ENTRA_JWKS_URI, by default
 * https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys), with one RS256 key it signs
 * tokens with, as Entra signs the token of a custom authentication extension call: iss
 * https://login.microsoftonline.com/<tenant>/v2.0, aud the extension API's app id, azp the
 * Authentication Events Trigger app (99045fe1-…). Strict: any other method or path is 404/405.
 * Each answer can wait an added delay (a remote endpoint's round trip). Used by the bench's
 * Azure-shaped cold instance; a test may use it too.
 */
import { createServer } from 'node:https';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

/** The Authentication Events Trigger app that calls custom authentication extensions. */
export const ENTRA_EVENTS_CLIENT_ID = '99045fe1-7639-4a75-9d4a-577b6ca3810f';

export interface EntraKeysEndpoint {
  /** For ENTRA_JWKS_URI. */
  readonly jwksUri: string;
  /** How many times the keys were fetched. */
  readonly fetches: () => number;
  /** A token as Entra sends it to the extension API `appId` of `tenantId`. */
  token(appId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startEntraKeysEndpoint(options: {
  tenantId: string;
  cert: string;
  key: string;
  /** Added before every answer, ms (default 0). */
  delayMs?: number;
}): Promise<EntraKeysEndpoint> {
  const kid = 'bench-key-1';
  const { privateKey, publicKey } = (await generateKeyPair('RS256')) as {
    privateKey: KeyLike;
    publicKey: KeyLike;
  };
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  const path = `/${options.tenantId}/discovery/v2.0/keys`;
  let fetches = 0;
  const server = createServer({ cert: options.cert, key: options.key }, (request, response) => {
    const answer = (): void => {
      if (request.url !== path) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'not_found' }));
      } else if (request.method !== 'GET') {
        response.writeHead(405, { allow: 'GET', 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'method_not_allowed' }));
      } else {
        fetches += 1;
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify({ keys: [jwk] }));
      }
    };
    setTimeout(answer, options.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    jwksUri: `https://127.0.0.1:${port}${path}`,
    fetches: () => fetches,
    token: (appId) =>
      new SignJWT({ azp: ENTRA_EVENTS_CLIENT_ID, tid: options.tenantId, ver: '2.0' })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(`https://login.microsoftonline.com/${options.tenantId}/v2.0`)
        .setAudience(appId)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
