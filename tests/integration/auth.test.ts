/**
 * Caller authentication that fails closed: each check B2C can use (basic, apikey, certificate;
 * tokens: authTokens.test.ts), rotation, and refusals that answer 401 with a generic body while
 * the log says why, never with the secret.
 */
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { ConfigError, loadConfig } from '../../shared/config';
import { parseBasic } from '../../shared/auth/secretChecks';
import { basic, callWith, expectRefused } from '../support/authCalls';

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
