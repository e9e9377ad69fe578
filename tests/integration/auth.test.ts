/**
 * Caller authentication that fails closed: each check B2C can use, rotation, and refusals that
 * answer 401 with a generic body while the log says why, never with the secret.
 */
import { createServer, type Server } from 'node:http';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { generate } from 'selfsigned';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { ConfigError, loadConfig } from '../../shared/config';
import { createAuthenticator } from '../../shared/auth/authenticate';
import { parseBasic } from '../../shared/auth/secretChecks';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { aMember } from '../support/builders';
import { expectCustomPolicyAnswer } from '../support/contract';
import { invoke, testDeps, type Answer, type RequestSpec } from '../support/invoke';

const repository = new MemoryLoyaltyRepository();
const REGISTERED = { json: { email: 'david@contoso.com', loyaltyId: '5678' } };

beforeAll(async () => {
  await repository.saveMember(
    aMember({ email: 'david@contoso.com', loyaltyId: '5678', promoCode: 'SPRING24' }),
  );
});

function callWith(env: Record<string, string>, spec: RequestSpec): Promise<Answer> {
  return invoke(makeValidateProfile(testDeps({ repository, env })), { ...REGISTERED, ...spec });
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function expectRefused(answer: Answer, secrets: readonly string[] = []): void {
  expect(answer.status).toBe(401);
  expect(answer.body).toMatchObject({ status: 401, code: 'Unauthorized' });
  expect(answer.body.developerMessage).toBe('The caller could not be authenticated.');
  expectCustomPolicyAnswer(answer);
  expect(
    answer.logs.some((l) => l.level === 'warning' && l.message.includes('caller refused')),
  ).toBe(true);
  const logs = answer.logs.map((l) => l.message).join('\n');
  for (const secret of secrets) {
    expect(logs).not.toContain(secret);
    expect(answer.text).not.toContain(secret);
  }
}

describe('basic', () => {
  const env = {
    API_AUTH: 'basic',
    BASIC_AUTH_USERNAME: 'b2c',
    BASIC_AUTH_PASSWORD: 'pä:ss wörd:1',
    BASIC_AUTH_USERNAME_2: 'b2c-next',
    BASIC_AUTH_PASSWORD_2: 'second-secret-value',
  };

  it('lets in the configured pair (a password with ":" and non-ASCII)', async () => {
    const answer = await callWith(env, {
      headers: { authorization: basic('b2c', 'pä:ss wörd:1') },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ promoCode: 'SPRING24' });
  });

  it('lets in the second pair during a rotation', async () => {
    const answer = await callWith(env, {
      headers: { authorization: basic('b2c-next', 'second-secret-value') },
    });
    expect(answer.status).toBe(200);
  });

  it.each([
    ['a wrong password', basic('b2c', 'wrong-password-x')],
    ['a wrong username', basic('someone', 'pä:ss wörd:1')],
    ['the first username with the second password', basic('b2c', 'second-secret-value')],
    ['no credentials', undefined],
    ['a bearer token', 'Bearer abc.def.ghi'],
    ['broken base64', 'Basic !!!notbase64'],
  ])('refuses %s with 401 and a Basic challenge', async (_label, authorization) => {
    const answer = await callWith(env, authorization ? { headers: { authorization } } : {});
    expectRefused(answer, ['pä:ss wörd:1', 'second-secret-value', 'wrong-password-x']);
    expect(answer.headers.get('www-authenticate')).toBe(
      'Basic realm="b2c-claims-api", charset="UTF-8"',
    );
  });

  it('parses RFC 7617 credentials: UTF-8, the password keeps every ":"', () => {
    expect(parseBasic(basic('üser', 'a:b:c'))).toEqual({ username: 'üser', password: 'a:b:c' });
    expect(parseBasic('basic   ' + Buffer.from('x:').toString('base64'))).toEqual({
      username: 'x',
      password: '',
    });
    expect(parseBasic(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBeUndefined();
    expect(
      parseBasic(`Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString('base64')}`),
    ).toBeUndefined();
  });
});

describe('apikey', () => {
  const env = { API_AUTH: 'apikey', API_KEY: 'key-one-0123456789, key-two-0123456789' };

  it('lets in either key of a rotation in x-api-key', async () => {
    expect((await callWith(env, { headers: { 'x-api-key': 'key-one-0123456789' } })).status).toBe(
      200,
    );
    expect((await callWith(env, { headers: { 'x-api-key': 'key-two-0123456789' } })).status).toBe(
      200,
    );
  });

  it('reads the header API_KEY_HEADER names', async () => {
    const answer = await callWith(
      { ...env, API_KEY_HEADER: 'X-Functions-Key' },
      { headers: { 'x-functions-key': 'key-one-0123456789' } },
    );
    expect(answer.status).toBe(200);
  });

  it('refuses a wrong or missing key with 401 and no challenge', async () => {
    const wrong = await callWith(env, { headers: { 'x-api-key': 'key-three-012345678' } });
    expectRefused(wrong, ['key-one-0123456789', 'key-two-0123456789', 'key-three-012345678']);
    expect(wrong.headers.get('www-authenticate')).toBeNull();
    expectRefused(await callWith(env, {}));
  });
});

describe('certificate (X-ARR-ClientCert)', () => {
  let good: { der: string; thumbprint: string };
  let expired: { der: string; thumbprint: string };
  let future: { der: string; thumbprint: string };
  let other: { der: string; thumbprint: string };

  async function certificate(cn: string, notBefore: Date, notAfter: Date) {
    const pems = await generate([{ name: 'commonName', value: cn }], {
      keySize: 2048,
      notBeforeDate: notBefore,
      notAfterDate: notAfter,
      algorithm: 'sha256',
      clientCertificate: true,
    });
    const x509 = new X509Certificate(pems.cert);
    return { der: x509.raw.toString('base64'), thumbprint: x509.fingerprint.replace(/:/g, '') };
  }

  beforeAll(async () => {
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    [good, expired, future, other] = await Promise.all([
      certificate('b2c-client', new Date(now - day), new Date(now + 30 * day)),
      certificate('b2c-client', new Date(now - 30 * day), new Date(now - day)),
      certificate('b2c-client', new Date(now + day), new Date(now + 30 * day)),
      certificate('someone-else', new Date(now - day), new Date(now + 30 * day)),
    ]);
  });

  const env = () => ({
    API_AUTH: 'certificate',
    CLIENT_CERT_THUMBPRINTS: `${good.thumbprint.toLowerCase()}, ${expired.thumbprint}, ${future.thumbprint}`,
  });

  it('lets in a listed, valid certificate', async () => {
    const answer = await callWith(env(), { headers: { 'x-arr-clientcert': good.der } });
    expect(answer.status).toBe(200);
  });

  it.each([
    ['an expired certificate', () => expired.der],
    ['a certificate not yet valid', () => future.der],
    ['an unlisted certificate', () => other.der],
    ['garbage', () => 'bm90IGEgY2VydA=='],
  ])('refuses %s', async (_label, der) => {
    expectRefused(await callWith(env(), { headers: { 'x-arr-clientcert': der() } }), [
      good.der.slice(0, 60),
    ]);
  });

  it('checks the subject and issuer when configured', async () => {
    const right = await callWith(
      { ...env(), CLIENT_CERT_SUBJECT: 'b2c-client', CLIENT_CERT_ISSUER: 'B2C-Client' },
      { headers: { 'x-arr-clientcert': good.der } },
    );
    expect(right.status).toBe(200);
    const wrong = await callWith(
      { ...env(), CLIENT_CERT_SUBJECT: 'another-client' },
      { headers: { 'x-arr-clientcert': good.der } },
    );
    expectRefused(wrong);
  });
});

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
    const deps = testDeps({ repository, env: env() });
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
    const own = makeValidateProfile(testDeps({ repository, env: env() }));
    expectRefused(
      await invoke(own, { ...REGISTERED, headers: { authorization: `Bearer ${jwt}` } }),
      [jwt],
    );
  });
});

describe('several checks', () => {
  it('lets a request in when any configured check passes, and challenges with every scheme', async () => {
    const env = {
      API_AUTH: 'basic,apikey',
      BASIC_AUTH_USERNAME: 'u',
      BASIC_AUTH_PASSWORD: 'p-secret',
      API_KEY: 'api-key-0123456789',
    };
    expect((await callWith(env, { headers: { 'x-api-key': 'api-key-0123456789' } })).status).toBe(
      200,
    );
    expect(
      (await callWith(env, { headers: { authorization: basic('u', 'p-secret') } })).status,
    ).toBe(200);
    const refused = await callWith(env, {});
    expectRefused(refused);
    expect(
      refused.logs.some((l) =>
        l.message.includes('basic: no Basic credentials; apikey: no x-api-key header'),
      ),
    ).toBe(true);
  });

  it('with none (outside production), lets anyone in', async () => {
    expect((await callWith({ API_AUTH: 'none' }, {})).status).toBe(200);
    expect((await callWith({}, {})).status).toBe(200);
  });
});

describe('settings that would fail open refuse to start', () => {
  it.each([
    [{ AZURE_FUNCTIONS_ENVIRONMENT: 'Production' }, 'Setting API_AUTH is missing'],
    [{ AZURE_FUNCTIONS_ENVIRONMENT: 'Production', API_AUTH: 'none' }, 'ALLOW_INSECURE_AUTH'],
    [{ API_AUTH: 'basic', BASIC_AUTH_USERNAME: 'u' }, 'Setting BASIC_AUTH_PASSWORD is missing'],
    [{ API_AUTH: 'basic', BASIC_AUTH_PASSWORD: 'p' }, 'Setting BASIC_AUTH_USERNAME is missing'],
    [
      {
        API_AUTH: 'basic',
        BASIC_AUTH_USERNAME: 'u',
        BASIC_AUTH_PASSWORD: 'p',
        BASIC_AUTH_USERNAME_2: 'v',
      },
      'BASIC_AUTH_PASSWORD_2 is missing',
    ],
    [{ API_AUTH: 'apikey' }, 'Setting API_KEY is missing'],
    [{ API_AUTH: 'apikey', API_KEY: 'short' }, 'at least 16 characters'],
    [{ API_AUTH: 'certificate' }, 'Setting CLIENT_CERT_THUMBPRINTS is missing'],
    [{ API_AUTH: 'certificate', CLIENT_CERT_THUMBPRINTS: 'abc' }, 'not a SHA-1 thumbprint'],
    [{ API_AUTH: 'bearer', BEARER_AUDIENCE: 'a' }, 'Setting BEARER_ISSUER is missing'],
    [
      { API_AUTH: 'bearer', BEARER_ISSUER: 'https://login.microsoftonline.com/t/v2.0' },
      'Setting BEARER_AUDIENCE is missing',
    ],
    [
      {
        API_AUTH: 'bearer',
        BEARER_ISSUER: 'http://x/v2.0',
        BEARER_AUDIENCE: 'a',
        AZURE_FUNCTIONS_ENVIRONMENT: 'Production',
      },
      'must be an https URL',
    ],
    [{ API_AUTH: 'magic' }, 'is not one of none, basic, apikey, certificate, bearer, entra'],
  ])('%j → %s', (env, text) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(text);
  });

  it('allows none in production only with ALLOW_INSECURE_AUTH=true', () => {
    expect(
      loadConfig({
        AZURE_FUNCTIONS_ENVIRONMENT: 'Production',
        API_AUTH: 'none',
        ALLOW_INSECURE_AUTH: 'true',
        TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      }).auth.modes,
    ).toEqual(['none']);
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
