/**
 * Caller authentication by token, failing closed: Microsoft Entra client credentials (bearer)
 * and the Entra authentication events service (entra), against a local keys endpoint; the other
 * checks are in auth.test.ts.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { loadConfig } from '../../shared/config';
import { createAuthenticator } from '../../shared/auth/authenticate';
import { invoke, testDeps } from '../support/invoke';
import { callWith, expectRefused, REGISTERED, seededRepository } from '../support/authCalls';

describe('bearer (Microsoft Entra client credentials)', () => {
  const TENANT = '6d3b2a77-0000-4000-8000-000000000001';
  const CLIENT = 'b2c-caller-app-id';
  let server: Server;
  let base: string;
  let keys: { kid: string; privateKey: KeyLike; jwk: JWK }[] = [];
  let jwksFetches = 0;

  async function newKey(kid: string) {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    return {
      kid,
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
    };
  }

  beforeAll(async () => {
    keys = [await newKey('key-1')];
    server = createServer((request, response) => {
      if (request.url === '/tenant/v2.0/.well-known/openid-configuration') {
        response.end(
          JSON.stringify({ issuer: `${base}/tenant/v2.0`, jwks_uri: `${base}/tenant/keys` }),
        );
      } else if (request.url === '/tenant/keys') {
        jwksFetches += 1;
        response.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const env = (extra: Record<string, string> = {}) => ({
    API_AUTH: 'bearer',
    BEARER_ISSUER: `${base}/tenant/v2.0, https://sts.windows.net/${TENANT}/`,
    BEARER_AUDIENCE: 'api://b2c-claims-api',
    BEARER_ALLOWED_CLIENT_IDS: CLIENT,
    BEARER_REQUIRED_ROLE: 'Claims.Read',
    ...extra,
  });

  async function token(
    claims: Record<string, unknown> = {},
    kid = 'key-1',
    options: { exp?: string | number; nbf?: number } = {},
  ) {
    const key = keys.find((k) => k.kid === kid);
    if (!key) throw new Error(`no key ${kid}`);
    const jwt = new SignJWT({ azp: CLIENT, roles: ['Claims.Read'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer((claims.iss as string | undefined) ?? `${base}/tenant/v2.0`)
      .setAudience((claims.aud as string | undefined) ?? 'api://b2c-claims-api')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '10m');
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    return jwt.sign(key.privateKey);
  }

  // One handler (one authenticator, one key cache) for the whole describe, as in a running app.
  let handler: ReturnType<typeof makeValidateProfile>;
  const call = (authorization: string) =>
    invoke(handler, { ...REGISTERED, headers: { authorization } });

  it('lets in a valid token of an allowed client with the role (keys discovered from the issuer)', async () => {
    const deps = testDeps({ repository: await seededRepository(), env: env() });
    // No cooldown between JWKS refetches, so the rollover below needs no waiting.
    handler = makeValidateProfile({
      ...deps,
      authenticator: createAuthenticator(deps.config.auth, { jwksCooldownMs: 0 }),
    });
    const answer = await call(`Bearer ${await token()}`);
    expect(answer.status).toBe(200);
  });

  it('accepts the v1 issuer form when configured, with appid instead of azp', async () => {
    const answer = await call(
      `Bearer ${await token({ iss: `https://sts.windows.net/${TENANT}/`, azp: undefined, appid: CLIENT })}`,
    );
    expect(answer.status).toBe(200);
  });

  it('refetches the keys when a token names an unknown kid (key rollover)', async () => {
    const before = jwksFetches;
    keys.push(await newKey('key-2'));
    const answer = await call(`Bearer ${await token({}, 'key-2')}`);
    expect(answer.status).toBe(200);
    expect(jwksFetches).toBe(before + 1);
    await call(`Bearer ${await token({}, 'key-2')}`);
    expect(jwksFetches).toBe(before + 1);
  });

  it.each([
    ['another audience', async () => token({ aud: 'api://someone-else' })],
    ['another issuer', async () => token({ iss: 'https://login.example.com/evil/v2.0' })],
    [
      'an expired token',
      async () => token({}, 'key-1', { exp: Math.floor(Date.now() / 1000) - 3600 }),
    ],
    [
      'a token not valid yet',
      async () => token({}, 'key-1', { nbf: Math.floor(Date.now() / 1000) + 3600 }),
    ],
    ['another client', async () => token({ azp: 'some-other-app' })],
    ['a token without the role', async () => token({ roles: ['Other.Role'] })],
    [
      'an unsigned token',
      async () => {
        const t = await token();
        const [header, payload] = t.split('.');
        return `${header}.${payload}.`;
      },
    ],
  ])('refuses %s with 401 and a Bearer challenge', async (_label, make) => {
    const jwt = await make();
    const answer = await call(`Bearer ${jwt}`);
    expectRefused(answer, [jwt]);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="b2c-claims-api"');
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const stranger = await newKey('key-1');
    const jwt = await new SignJWT({ azp: CLIENT, roles: ['Claims.Read'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(`${base}/tenant/v2.0`)
      .setAudience('api://b2c-claims-api')
      .setExpirationTime('10m')
      .sign(stranger.privateKey);
    // Its own app: the shared one logged this reason already this minute (refusals.ts).
    const own = makeValidateProfile(testDeps({ repository: await seededRepository(), env: env() }));
    expectRefused(
      await invoke(own, { ...REGISTERED, headers: { authorization: `Bearer ${jwt}` } }),
      [jwt],
    );
  });
});

describe('entra (Microsoft Entra authentication events service)', () => {
  const TENANT_ID = '6d3b2a77-0000-4000-8000-0000000000e1';
  const API_APP = 'c1d2e3f4-0000-4000-8000-0000000000a1';
  const EVENTS_APP = '99045fe1-7639-4a75-9d4a-577b6ca3810f';
  let server: Server;
  let jwksUri = '';
  let signingKey: KeyLike;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    signingKey = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'entra-1', alg: 'RS256', use: 'sig' };
    server = createServer((_request, response) => response.end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    jwksUri = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/discovery/v2.0/keys`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const env = () => ({
    API_AUTH: 'entra',
    ENTRA_TENANT_ID: TENANT_ID,
    ENTRA_API_APP_ID: API_APP,
    ENTRA_JWKS_URI: jwksUri,
  });

  const token = (claims: {
    iss?: string;
    aud?: string;
    azp?: string | undefined;
    appid?: string;
  }) =>
    new SignJWT({
      ...('azp' in claims ? { azp: claims.azp } : { azp: EVENTS_APP }),
      ...(claims.appid ? { appid: claims.appid } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'entra-1' })
      .setIssuer(claims.iss ?? `https://login.microsoftonline.com/${TENANT_ID}/v2.0`)
      .setAudience(claims.aud ?? API_APP)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(signingKey);

  it.each([
    ['a v2 token from login.microsoftonline.com', {}],
    [
      'a token from the tenant ciamlogin.com domain',
      { iss: `https://contoso.ciamlogin.com/${TENANT_ID}/v2.0` },
    ],
    [
      'a v1 token with appid',
      { iss: `https://sts.windows.net/${TENANT_ID}/`, azp: undefined, appid: EVENTS_APP },
    ],
    ['a token for the api:// URI of the API', { aud: `api://${API_APP}` }],
  ])('lets in %s', async (_label, claims) => {
    const answer = await callWith(env(), {
      headers: { authorization: `Bearer ${await token(claims)}` },
    });
    expect(answer.status).toBe(200);
  });

  it.each([
    [
      'another tenant',
      { iss: 'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000000/v2.0' },
    ],
    ['another audience', { aud: 'api://someone-else' }],
    [
      'another caller than the authentication events service',
      { azp: '11111111-2222-4333-8444-555555555555' },
    ],
  ])('refuses a token from %s', async (_label, claims) => {
    const jwt = await token(claims);
    const answer = await callWith(env(), { headers: { authorization: `Bearer ${jwt}` } });
    expectRefused(answer, [jwt]);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="b2c-claims-api"');
  });

  it('refuses to start without its settings', () => {
    expect(() => loadConfig({ API_AUTH: 'entra', ENTRA_API_APP_ID: API_APP })).toThrow(
      'Setting ENTRA_TENANT_ID is missing',
    );
    expect(() => loadConfig({ API_AUTH: 'entra', ENTRA_TENANT_ID: TENANT_ID })).toThrow(
      'Setting ENTRA_API_APP_ID is missing',
    );
    expect(() =>
      loadConfig({ API_AUTH: 'entra', ENTRA_TENANT_ID: 'contoso', ENTRA_API_APP_ID: API_APP }),
    ).toThrow('Setting ENTRA_TENANT_ID is malformed');
  });
});
