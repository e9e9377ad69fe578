/**
 * API_AUTH=bearer admits only the callers the operator named: an app-only token (no `scp`, no
 * `idtyp` but `app`) of an allowed client id or carrying the required role, with an `exp`.
 * Everything else is a 401 in the caller's dialect, whatever function it asks.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { aMember } from '../support/builders';
import { silentServer } from '../support/faultyStorage';
import { expectCustomPolicyAnswer } from '../support/contract';
import { tokenIssuanceStart } from '../../scripts/preview/simulators/entraEvents';
import { buildRequest, invoke, testDeps, type Answer } from '../support/invoke';
import { createAuthenticator } from '../../shared/auth/authenticate';
import { DEFAULT_ENTRA_BUDGET_MS } from '../../shared/auth/settings';
import { loadConfig } from '../../shared/config';

const CALLER = '5a0c7e3b-0000-4000-8000-00000000b2c1';
const STRANGER = '5a0c7e3b-0000-4000-8000-0000000000ff';
const USER = '8d4f6a2e-1b3c-4d5e-8f70-112233445566';
const repository = new MemoryLoyaltyRepository();
let server: Server;
let jwksUri = '';
let signingKey: KeyLike;

beforeAll(async () => {
  await repository.saveMember(
    aMember({ email: 'david@contoso.com', loyaltyId: '5678', promoCode: 'SPRING24' }),
  );
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  signingKey = privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_request, response) => response.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  jwksUri = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/keys`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const ISSUER = 'https://login.microsoftonline.com/6d3b2a77-0000-4000-8000-000000000001/v2.0';

const env = (extra: Record<string, string>) => ({
  API_AUTH: 'bearer',
  BEARER_ISSUER: ISSUER,
  BEARER_JWKS_URI: jwksUri,
  BEARER_AUDIENCE: 'api://b2c-claims-api',
  ...extra,
});

async function token(claims: Record<string, unknown>, expires = true): Promise<string> {
  const jwt = new SignJWT({ azp: CALLER, idtyp: 'app', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience('api://b2c-claims-api')
    .setIssuedAt();
  if (expires) jwt.setExpirationTime('10m');
  return jwt.sign(signingKey);
}

// Functions: the JWKS server's port is known only once it listens.
const byClientId = () => env({ BEARER_ALLOWED_CLIENT_IDS: CALLER });
const byRole = () => env({ BEARER_REQUIRED_ROLE: 'Claims.Read' });

const customPolicy = { json: { email: 'david@contoso.com', loyaltyId: '5678' } };
const userFlow = {
  json: { step: 'PreTokenIssuance', email: 'david@contoso.com', objectId: USER },
};

async function validate(settings: Record<string, string>, jwt: string): Promise<Answer> {
  const handler = makeValidateProfile(testDeps({ repository, env: settings }));
  return invoke(handler, { ...customPolicy, headers: { authorization: `Bearer ${jwt}` } });
}

function expectRefused(answer: Answer, reason: string): void {
  expect(answer.status).toBe(401);
  expectCustomPolicyAnswer(answer);
  expect(answer.body).toMatchObject({ status: 401, code: 'Unauthorized' });
  expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="b2c-claims-api"');
  expect(answer.logs.some((l) => l.message.includes(`caller refused: bearer: ${reason}`))).toBe(
    true,
  );
}

describe('bearer admits the named callers', () => {
  it('lets in an app-only token of a client id BEARER_ALLOWED_CLIENT_IDS names', async () => {
    const answer = await validate(byClientId(), await token({}));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ promoCode: 'SPRING24' });
  });

  it('lets in an app-only token carrying BEARER_REQUIRED_ROLE, whatever its client id', async () => {
    const answer = await validate(byRole(), await token({ azp: STRANGER, roles: ['Claims.Read'] }));
    expect(answer.status).toBe(200);
  });

  it('lets in an app-only token without idtyp (an app registration without that optional claim)', async () => {
    const answer = await validate(byClientId(), await token({ idtyp: undefined }));
    expect(answer.status).toBe(200);
  });
});

describe('bearer refuses everyone else with 401 in the caller dialect', () => {
  it('refuses a client id that BEARER_ALLOWED_CLIENT_IDS does not name (custom policy)', async () => {
    expectRefused(
      await validate(byClientId(), await token({ azp: STRANGER })),
      'azp/appid is not an allowed client',
    );
  });

  it('refuses a token without BEARER_REQUIRED_ROLE', async () => {
    expectRefused(
      await validate(byRole(), await token({ roles: ['Other.Role'] })),
      'the token lacks the role',
    );
  });

  it.each([
    ['with scp', { scp: 'Claims.Read' }],
    ['with idtyp user', { idtyp: 'user' }],
    ['with scp and no idtyp', { scp: 'user_impersonation', idtyp: undefined }],
  ])("refuses a user's delegated token (%s)", async (_label, claims) => {
    expectRefused(
      await validate(byClientId(), await token(claims)),
      "a user's delegated token, not an app-only one",
    );
  });

  it('lets a delegated token in only with BEARER_ALLOW_USER_TOKENS=true', async () => {
    const settings = { ...byClientId(), BEARER_ALLOW_USER_TOKENS: 'true' };
    const answer = await validate(settings, await token({ scp: 'Claims.Read', idtyp: 'user' }));
    expect(answer.status).toBe(200);
  });

  it('refuses a token without exp', async () => {
    expectRefused(await validate(byClientId(), await token({}, false)), 'token refused');
  });

  it('refuses a delegated token and a token without exp on a user-flow call to EnrichToken', async () => {
    const handler = makeEnrichToken(testDeps({ repository, env: byClientId() }));
    for (const jwt of [await token({ scp: 'Claims.Read' }), await token({}, false)]) {
      const answer = await invoke(handler, {
        ...userFlow,
        headers: { authorization: `Bearer ${jwt}` },
      });
      expect(answer.status).toBe(401);
      // In the connector's own shape, as every other error a user flow gets.
      expect(answer.body).toMatchObject({
        status: 401,
        action: 'ValidationError',
        code: 'Unauthorized',
      });
      expect(answer.text).not.toContain('SPRING24');
      expect(answer.text).not.toContain('5678');
    }
  });

  it('refuses a delegated token that carries an Entra event (API_AUTH=bearer,entra)', async () => {
    const settings = {
      ...byClientId(),
      API_AUTH: 'bearer,entra',
      ENTRA_TENANT_ID: '6d3b2a77-0000-4000-8000-000000000001',
      ENTRA_API_APP_ID: 'c1d2e3f4-0000-4000-8000-0000000000a1',
      ENTRA_JWKS_URI: jwksUri,
    };
    const handler = makeEnrichToken(testDeps({ repository, env: settings }));
    const answer = await invoke(handler, {
      json: tokenIssuanceStart({ id: USER, mail: 'david@contoso.com' }),
      headers: { authorization: `Bearer ${await token({ scp: 'Claims.Read' })}` },
    });
    expect(answer.status).toBe(401);
    // Entra reads any non-200 as a failure; errors to Entra have the one error shape.
    expectCustomPolicyAnswer(answer);
    expect(answer.body).toMatchObject({ status: 401, code: 'Unauthorized' });
    expect(answer.text).not.toContain('SPRING24');
  });
});

describe('API_AUTH=bearer,entra', () => {
  const TENANT_ID = '6d3b2a77-0000-4000-8000-000000000001';
  const API_APP = 'c1d2e3f4-0000-4000-8000-0000000000a1';

  it('checks an Entra event by the entra rule first: a bearer key fetch that hangs costs it nothing', async () => {
    const silent = await silentServer();
    try {
      const deps = testDeps({
        repository,
        env: {
          API_AUTH: 'bearer,entra',
          BEARER_ISSUER: ISSUER,
          BEARER_JWKS_URI: `http://127.0.0.1:${silent.port}/keys`,
          BEARER_AUDIENCE: 'api://b2c-claims-api',
          BEARER_ALLOWED_CLIENT_IDS: CALLER,
          ENTRA_TENANT_ID: TENANT_ID,
          ENTRA_API_APP_ID: API_APP,
          ENTRA_JWKS_URI: jwksUri,
          ENTRA_REQUEST_BUDGET_MS: '300',
        },
      });
      const jwt = await new SignJWT({ azp: '99045fe1-7639-4a75-9d4a-577b6ca3810f' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(`https://login.microsoftonline.com/${TENANT_ID}/v2.0`)
        .setAudience(API_APP)
        .setExpirationTime('5m')
        .sign(signingKey);
      const answer = await invoke(makeEnrichToken(deps), {
        json: tokenIssuanceStart({ id: USER, mail: 'david@contoso.com' }),
        headers: { authorization: `Bearer ${jwt}` },
      });
      deps.authenticator.close();
      expect(answer.status).toBe(200);
      expect(answer.body.data.actions[0].claims).toMatchObject({ promoCode: 'SPRING24' });
    } finally {
      await silent.close();
    }
  });

  it("waits for Entra's keys, by default, as long as the configuration's ENTRA_REQUEST_BUDGET_MS default", async () => {
    const silent = await silentServer();
    const config = loadConfig({
      AZURE_FUNCTIONS_ENVIRONMENT: 'Development',
      API_AUTH: 'entra',
      ENTRA_TENANT_ID: TENANT_ID,
      ENTRA_API_APP_ID: API_APP,
      ENTRA_JWKS_URI: `http://127.0.0.1:${silent.port}/keys`,
    });
    expect(config.entra.requestBudgetMs).toBe(DEFAULT_ENTRA_BUDGET_MS);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const authenticator = createAuthenticator(config.auth); // no options: its own default
    try {
      let outcome: unknown;
      const request = buildRequest({ headers: { authorization: `Bearer ${await token({})}` } });
      void authenticator.authenticate(request).then((o) => (outcome = o));
      await vi.advanceTimersByTimeAsync(config.entra.requestBudgetMs - 5);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(10);
      expect(outcome).toMatchObject({ ok: false });
    } finally {
      vi.useRealTimers();
      authenticator.close();
      await silent.close();
    }
  });
});
