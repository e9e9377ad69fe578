import { beforeEach, describe, expect, it } from 'vitest';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { aMember } from '../support/builders';
import { expectCustomPolicyAnswer, expectUserFlowAnswer } from '../support/contract';
import { invoke, testDeps, type RequestSpec, type TestDeps } from '../support/invoke';

const APP_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

let deps: TestDeps;
let repository: MemoryLoyaltyRepository;

beforeEach(async () => {
  repository = new MemoryLoyaltyRepository();
  await repository.saveMember(
    aMember({ email: 'david@contoso.com', loyaltyId: '5678', promoCode: 'SPRING24' }),
  );
  await repository.saveMember(
    aMember({ email: 'david@contoso.com', loyaltyId: '9001', status: 'suspended' }),
  );
  await repository.saveMember(
    aMember({ email: 'sam@fabrikam.com', loyaltyId: '7777', status: 'suspended' }),
  );
  deps = testDeps({ repository });
});

const call = (spec: RequestSpec, d: TestDeps = deps) =>
  invoke(makeValidateProfile(d), { functionName: 'ValidateProfile', ...spec });

describe('ValidateProfile, custom policy (validation technical profile)', () => {
  it('when the pair is registered, answers 200 with the promo code only', async () => {
    const answer = await call({
      json: { email: 'david@contoso.com', loyaltyId: '5678', lang: '1033' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ promoCode: 'SPRING24' });
    expectCustomPolicyAnswer(answer);
  });

  it('matches the email case-insensitively and after trimming', async () => {
    const answer = await call({ json: { email: '  David@Contoso.COM ', loyaltyId: '5678' } });
    expect(answer.body).toEqual({ promoCode: 'SPRING24' });
  });

  it("when the loyalty ID is unknown, answers 409 with the documented message and the request's values", async () => {
    const answer = await call({
      json: { email: 'david@contoso.com', loyaltyId: '1234', lang: '1033' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      version: '1.0.0',
      status: 409,
      userMessage: "Loyalty ID '1234' is not associated with 'david@contoso.com' email address.",
      requestId: answer.invocationId,
    });
    expectCustomPolicyAnswer(answer);
  });

  it('when the loyalty ID belongs to another email, answers 409 quoting the email as received', async () => {
    const answer = await call({ json: { email: 'Eve@Contoso.com', loyaltyId: '5678' } });
    expect(answer.status).toBe(409);
    expect(answer.body.userMessage).toBe(
      "Loyalty ID '5678' is not associated with 'Eve@Contoso.com' email address.",
    );
  });

  it.each(['xx-XX', '9999', 'klingon', '{Culture:LCID}'])(
    'for the unknown language %s, answers in English',
    async (lang) => {
      const answer = await call({ json: { email: 'david@contoso.com', loyaltyId: '1234', lang } });
      expect(answer.body.userMessage).toBe(
        "Loyalty ID '1234' is not associated with 'david@contoso.com' email address.",
      );
    },
  );

  it('when the lang claim arrives as an unresolved claim resolver, warns naming the missing policy setting', async () => {
    const answer = await call({
      json: { email: 'david@contoso.com', loyaltyId: '1234', lang: '{Culture:LCID}' },
    });
    expect(
      answer.logs.some(
        (l) => l.level === 'warning' && l.message.includes('IncludeClaimResolvingInClaimsHandling'),
      ),
    ).toBe(true);
  });

  it('answers in the language the lang (or language) claim names', async () => {
    const fr = await call({
      json: { email: 'david@contoso.com', loyaltyId: '1234', lang: '1036' },
    });
    expect(fr.body.userMessage).toBe(
      "L'identifiant de fidélité '1234' n'est pas associé à l'adresse e-mail 'david@contoso.com'.",
    );
    const es = await call({
      json: { email: 'david@contoso.com', loyaltyId: '1234', language: 'es-MX' },
    });
    expect(es.body.userMessage).toContain('no está asociado');
  });

  it('when the member is suspended, answers 409 with a message that says so', async () => {
    const answer = await call({ json: { email: 'david@contoso.com', loyaltyId: '9001' } });
    expect(answer.status).toBe(409);
    expect(answer.body.userMessage).toBe(
      "Loyalty ID '9001' is suspended. Please contact customer support.",
    );
    expectCustomPolicyAnswer(answer);
  });

  it('with no loyalty ID, answers 200 with no promo code (the loyalty ID is optional)', async () => {
    const answer = await call({ json: { email: 'david@contoso.com', lang: '1033' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({});
  });

  it('with no email, answers 400 in the error shape, naming the claim', async () => {
    const answer = await call({ json: { loyaltyId: '5678' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 400, code: 'MissingClaim' });
    expect(answer.body.developerMessage).toContain("'email'");
    expectCustomPolicyAnswer(answer);
  });

  it('treats a number where a string is expected as its text', async () => {
    const answer = await call({
      json: { email: 'david@contoso.com', loyaltyId: 5678, lang: 1033 },
    });
    expect(answer.body).toEqual({ promoCode: 'SPRING24' });
  });

  it('treats null and empty claims as missing', async () => {
    const answer = await call({ json: { email: 'david@contoso.com', loyaltyId: null, lang: '' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({});
  });

  it('reads claims sent as a form (SendClaimsIn Form)', async () => {
    const answer = await call({
      form: { email: 'david@contoso.com', loyaltyId: '5678', lang: '1033' },
    });
    expect(answer.body).toEqual({ promoCode: 'SPRING24' });
  });

  it('reads claims sent in the query string (SendClaimsIn QueryString), ignoring the functions key', async () => {
    const answer = await call({
      method: 'GET',
      query: { code: 'functions-key', email: 'david@contoso.com', loyaltyId: '5678' },
    });
    expect(answer.body).toEqual({ promoCode: 'SPRING24' });
  });

  it('reads claims sent as headers (SendClaimsIn Header)', async () => {
    const answer = await call({
      method: 'GET',
      headers: { email: 'david@contoso.com', loyaltyId: '1234', lang: '1031' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body.userMessage).toContain('nicht mit der E-Mail-Adresse');
  });

  it('records a correlation id that is not a GUID as such, never its text', async () => {
    await call({ json: { email: 'david@contoso.com', correlationId: 'david@contoso.com' } });
    expect(deps.telemetry.events[0]?.properties.correlationId).toBe('(not a GUID)');
  });

  it('never writes the raw email or loyalty ID to the logs', async () => {
    const answer = await call({ json: { email: 'secret.person@contoso.com', loyaltyId: 'L-77' } });
    const logs = answer.logs.map((l) => l.message).join('\n');
    expect(logs).not.toContain('secret.person');
    expect(logs).not.toContain('L-77');
  });

  it('records one decision event with its outcome and dimensions', async () => {
    await call({
      json: {
        email: 'david@contoso.com',
        loyaltyId: '1234',
        lang: '1036',
        correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      },
    });
    expect(deps.telemetry.events).toEqual([
      {
        name: 'ValidateProfile',
        properties: expect.objectContaining({
          function: 'ValidateProfile',
          dialect: 'customPolicy',
          outcome: 'notAssociated',
          language: 'fr',
          correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
          emailDomain: 'contoso.com',
        }),
      },
    ]);
  });
});

describe('ValidateProfile, user flow at PostAttributeCollection ("Before creating the user")', () => {
  const attributes = (extra: Record<string, unknown>) => ({
    step: 'PostAttributeCollection',
    client_id: '93fd07aa-333c-409d-955d-96008fd08dd9',
    ui_locales: 'en-US',
    email: 'david@contoso.com',
    ...extra,
  });

  it('when registered, answers Continue with extension_promoCode', async () => {
    const answer = await call({ json: attributes({ extension_loyaltyId: '5678' }) });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      extension_promoCode: 'SPRING24',
    });
    expectUserFlowAnswer(answer);
  });

  it('reads extension_<appId>_loyaltyId matching the name case-insensitively, and names claims with EXTENSIONS_APP_ID', async () => {
    const withAppId = testDeps({
      repository,
      env: { EXTENSIONS_APP_ID: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9' },
    });
    const answer = await call(
      { json: attributes({ [`extension_${APP_ID}_LoyaltyID`]: '5678' }) },
      withAppId,
    );
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      [`extension_${APP_ID}_promoCode`]: 'SPRING24',
    });
  });

  it('when not registered, answers HTTP 400 ValidationError with the message', async () => {
    const answer = await call({ json: attributes({ extension_loyaltyId: '1234' }) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      version: '1.0.0',
      status: 400,
      action: 'ValidationError',
      userMessage: "Loyalty ID '1234' is not associated with 'david@contoso.com' email address.",
    });
    expectUserFlowAnswer(answer);
  });

  it('answers in the language of ui_locales', async () => {
    const answer = await call({
      json: attributes({ extension_loyaltyId: '1234', ui_locales: 'ja-JP' }),
    });
    expect(answer.body.userMessage).toContain('関連付けられていません');
  });

  it('when suspended, answers 200 ShowBlockPage with a message', async () => {
    const answer = await call({ json: attributes({ extension_loyaltyId: '9001' }) });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ version: '1.0.0', action: 'ShowBlockPage' });
    expect(answer.body.userMessage).toContain('suspended');
    expectUserFlowAnswer(answer);
  });

  it('with no loyalty ID, answers Continue', async () => {
    const answer = await call({ json: attributes({}) });
    expect(answer.body).toEqual({ version: '1.0.0', action: 'Continue' });
  });
});

describe('ValidateProfile, user flow at PostFederationSignup', () => {
  const federated = (email: string) => ({
    step: 'PostFederationSignup',
    email,
    identities: [
      { signInType: 'federated', issuer: 'facebook.com', issuerAssignedId: '0123456789' },
    ],
    client_id: 'c',
    ui_locales: 'en-US',
  });

  it('for an email with an active membership, answers Continue pre-filling the loyalty ID', async () => {
    const answer = await call({ json: federated('DAVID@contoso.com') });
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      extension_loyaltyId: '5678',
    });
    expectUserFlowAnswer(answer);
  });

  it('for an email whose membership is suspended, answers ShowBlockPage', async () => {
    const answer = await call({ json: federated('sam@fabrikam.com') });
    expect(answer.status).toBe(200);
    expect(answer.body.action).toBe('ShowBlockPage');
    expectUserFlowAnswer(answer);
  });

  it('otherwise answers Continue with no claims', async () => {
    const answer = await call({ json: federated('nobody@contoso.com') });
    expect(answer.body).toEqual({ version: '1.0.0', action: 'Continue' });
  });
});

describe('ValidateProfile, user flow at PreTokenIssuance', () => {
  it('answers Continue with no claims and logs the misconfiguration', async () => {
    const answer = await call({
      json: { step: 'PreTokenIssuance', email: 'david@contoso.com', extension_loyaltyId: '1234' },
    });
    expect(answer.body).toEqual({ version: '1.0.0', action: 'Continue' });
    expect(
      answer.logs.some((l) => l.level === 'warning' && l.message.includes('PreTokenIssuance')),
    ).toBe(true);
  });
});
