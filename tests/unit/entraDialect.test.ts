/**
 * The Entra dialect adapter against Microsoft's documented request shapes: each event answered
 * in Entra's format, with the documented spelling of every type.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { aMember, money } from '../support/builders';
import {
  APP_ID,
  attributeCollectionStart,
  attributeCollectionSubmit,
  loyaltyAttribute,
  promoAttribute,
  tokenIssuanceStart,
} from '../../scripts/preview/simulators/entraEvents';
import { invoke, testDeps, type Answer, type TestDeps } from '../support/invoke';

const USER = '90847c2a-e29d-4d2f-9f54-c5b4d3f26471';
let repository: MemoryLoyaltyRepository;
let deps: TestDeps;

beforeEach(async () => {
  repository = new MemoryLoyaltyRepository();
  await repository.saveMember(
    aMember({ email: 'casey@contoso.com', loyaltyId: '24534', promoCode: '84362' }),
  );
  await repository.saveMember(
    aMember({ email: 'sam@fabrikam.com', loyaltyId: '9001', status: 'suspended' }),
  );
  await repository.setBalance(USER, money('202.75'));
  deps = testDeps({ repository });
});

/** The one action of an Entra answer, after checking the envelope. */
function action(answer: Answer, responseType: string): Record<string, unknown> {
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.body.data['@odata.type']).toBe(responseType);
  expect(answer.body.data.actions).toHaveLength(1);
  expect(Object.keys(answer.body)).toEqual(['data']);
  return answer.body.data.actions[0];
}

describe('OnTokenIssuanceStart (EnrichToken)', () => {
  const call = (body: object) => invoke(makeEnrichToken(deps), { json: body });

  it('provides balance, loyalty ID and promo code as string claims for the user', async () => {
    const answer = await call(tokenIssuanceStart({ id: USER, mail: 'casey@contoso.com' }));
    expect(action(answer, 'microsoft.graph.onTokenIssuanceStartResponseData')).toEqual({
      '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken',
      claims: { balance: '202.75', loyaltyId: '24534', promoCode: '84362' },
    });
  });

  it('leaves out what it does not know (no membership, no user id)', async () => {
    const answer = await call(tokenIssuanceStart({ mail: 'nobody@contoso.com' }));
    expect(action(answer, 'microsoft.graph.onTokenIssuanceStartResponseData')).toEqual({
      '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken',
      claims: {},
    });
  });

  it('matches the event and callout types case-insensitively', async () => {
    const body = tokenIssuanceStart({ id: USER });
    const shouted = {
      ...body,
      type: 'Microsoft.Graph.AuthenticationEvent.TokenIssuanceStart',
      data: { ...body.data, '@odata.type': 'Microsoft.Graph.OnTokenIssuanceStartCalloutData' },
    };
    const answer = await call(shouted);
    expect(action(answer, 'microsoft.graph.onTokenIssuanceStartResponseData').claims).toEqual({
      balance: '202.75',
    });
  });

  it("keeps the claims under Entra's 3 KB, leaving the largest out and saying so", async () => {
    const huge = 'x'.repeat(3200);
    const claims = (await import('../../shared/dialects/entra/answer')).withinClaimsLimit(
      { balance: '1.00', promoCode: huge },
      (text) => expect(text).toContain('promoCode'),
    );
    expect(claims).toEqual({ balance: '1.00' });
  });
});

describe('OnAttributeCollectionStart (ValidateProfile)', () => {
  const call = (body: object) => invoke(makeValidateProfile(deps), { json: body });
  const START = 'microsoft.graph.onAttributeCollectionStartResponseData';

  it('pre-fills the loyalty ID of an active membership, under the attribute name of the request', async () => {
    const answer = await call(
      attributeCollectionStart('Casey@Contoso.com', loyaltyAttribute(null)),
    );
    expect(action(answer, START)).toEqual({
      '@odata.type': 'microsoft.graph.attributeCollectionStart.setPrefillValues',
      inputs: { [`extension_${APP_ID}_loyaltyId`]: '24534' },
    });
  });

  it('blocks a suspended member with a localized message', async () => {
    const answer = await call(attributeCollectionStart('sam@fabrikam.com', {}, 'fr-fr'));
    const blocked = action(answer, START);
    expect(blocked['@odata.type']).toBe('microsoft.graph.attributeCollectionStart.showBlockPage');
    expect(blocked.message).toContain('Votre adhésion au programme de fidélité est suspendue');
  });

  it('otherwise continues with the default behavior', async () => {
    const answer = await call(attributeCollectionStart('nobody@contoso.com'));
    expect(action(answer, START)).toEqual({
      '@odata.type': 'microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior',
    });
  });
});

describe('OnAttributeCollectionSubmit (ValidateProfile)', () => {
  const call = (body: object) => invoke(makeValidateProfile(deps), { json: body });
  const SUBMIT = 'microsoft.graph.onAttributeCollectionSubmitResponseData';

  it('sets the promo code for a registered pair with modifyAttributeValues', async () => {
    const answer = await call(
      attributeCollectionSubmit('casey@contoso.com', {
        ...loyaltyAttribute('24534'),
        ...promoAttribute(),
      }),
    );
    expect(action(answer, SUBMIT)).toEqual({
      '@odata.type': 'microsoft.graph.attributeCollectionSubmit.modifyAttributeValues',
      attributes: { [`extension_${APP_ID}_promoCode`]: '84362' },
    });
  });

  it('shows a validation error keyed by the loyalty ID attribute for an unregistered pair', async () => {
    const answer = await call(
      attributeCollectionSubmit('casey@contoso.com', loyaltyAttribute(1234)),
    );
    const message = "Loyalty ID '1234' is not associated with 'casey@contoso.com' email address.";
    expect(action(answer, SUBMIT)).toEqual({
      '@odata.type': 'microsoft.graph.attributeCollectionSubmit.showValidationError',
      message,
      attributeErrors: { [`extension_${APP_ID}_loyaltyId`]: message },
    });
  });

  it('answers in the language of authenticationContext.client.locale', async () => {
    const answer = await call(
      attributeCollectionSubmit('casey@contoso.com', loyaltyAttribute('1'), 'de-de'),
    );
    expect(action(answer, SUBMIT).message).toContain('ist nicht mit der E-Mail-Adresse');
  });

  it('blocks a suspended member', async () => {
    const answer = await call(
      attributeCollectionSubmit('sam@fabrikam.com', loyaltyAttribute('9001')),
    );
    expect(action(answer, SUBMIT)['@odata.type']).toBe(
      'microsoft.graph.attributeCollectionSubmit.showBlockPage',
    );
  });

  it('continues with the default behavior when no loyalty ID was entered', async () => {
    const answer = await call(attributeCollectionSubmit('casey@contoso.com', loyaltyAttribute('')));
    expect(action(answer, SUBMIT)).toEqual({
      '@odata.type': 'microsoft.graph.attributeCollectionSubmit.continueWithDefaultBehavior',
    });
  });

  it('reads the configured attribute names, with or without the extension prefix', async () => {
    const custom = testDeps({ repository, env: { ENTRA_LOYALTY_ID_ATTRIBUTE: 'memberNumber' } });
    const answer = await invoke(makeValidateProfile(custom), {
      json: attributeCollectionSubmit('casey@contoso.com', {
        MemberNumber: {
          '@odata.type': 'microsoft.graph.stringDirectoryAttributeValue',
          value: '7',
          attributeType: 'builtIn',
        },
      }),
    });
    expect(action(answer, SUBMIT).attributeErrors).toEqual({
      MemberNumber: expect.stringContaining("'7'"),
    });
  });
});

describe('Entra requests the API does not answer', () => {
  it('answers an unknown authentication event with a 400', async () => {
    const body = tokenIssuanceStart({ id: USER });
    const answer = await invoke(makeEnrichToken(deps), {
      json: {
        ...body,
        type: 'microsoft.graph.authenticationEvent.emailOtpSend',
        data: { ...body.data, '@odata.type': 'microsoft.graph.onOtpSendCalloutData' },
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'UnknownStep', status: 400 });
  });

  const event = tokenIssuanceStart({ id: USER });
  const { ['@odata.type']: _type, ...dataWithoutType } = event.data;
  it.each([
    [
      'an event this API does not implement (emailOtpSend), with its own callout type',
      {
        ...event,
        type: 'microsoft.graph.authenticationEvent.emailOtpSend',
        data: { ...event.data, '@odata.type': 'microsoft.graph.onEmailOtpSendCalloutData' },
      },
      'UnknownStep',
      /not one this API answers/,
    ],
    [
      'an event this API does not implement, without data',
      { type: 'microsoft.graph.authenticationEvent.emailOtpSend' },
      'UnknownStep',
      /not one this API answers/,
    ],
    [
      'a token event without data.@odata.type',
      { ...event, data: dataWithoutType },
      'InvalidRequest',
      /lacks data\.@odata\.type \(microsoft\.graph\.onTokenIssuanceStartCalloutData\)/,
    ],
    [
      'a token event with an unknown data.@odata.type',
      { ...event, data: { ...event.data, '@odata.type': 'microsoft.graph.somethingElse' } },
      'InvalidRequest',
      /expected microsoft\.graph\.onTokenIssuanceStartCalloutData/,
    ],
    [
      'a token event with the callout type of another event',
      {
        ...event,
        data: {
          ...event.data,
          '@odata.type': 'microsoft.graph.onAttributeCollectionSubmitCalloutData',
        },
      },
      'InvalidRequest',
      /expected microsoft\.graph\.onTokenIssuanceStartCalloutData/,
    ],
    [
      'a token event whose data is not an object',
      { ...event, data: 'nothing' },
      'MalformedBody',
      /no "data" object/,
    ],
    [
      'a callout body without its event type',
      { data: event.data },
      'InvalidRequest',
      /needs "type"/,
    ],
  ])(
    'answers %s with a 400 naming what is wrong, never a custom-policy answer',
    async (_name, json, code, problem) => {
      for (const make of [makeEnrichToken, makeValidateProfile]) {
        const answer = await invoke(make(deps), { json });
        expect(answer.status, answer.text).toBe(400);
        expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
        expect(answer.body).toMatchObject({ status: 400, code });
        expect(answer.body.developerMessage).toMatch(problem);
        expect(answer.body).not.toHaveProperty('balance');
      }
    },
  );
});

describe('when storage is slow or down (ENTRA_REQUEST_BUDGET_MS)', () => {
  function hangingDeps(): TestDeps {
    const hanging = new MemoryLoyaltyRepository();
    hanging.findMember = () => new Promise(() => undefined);
    hanging.listMembersByEmail = () => new Promise(() => undefined);
    hanging.getOrCreateBalance = () => new Promise(() => undefined);
    return testDeps({ repository: hanging, env: { ENTRA_REQUEST_BUDGET_MS: '150' } });
  }

  it('issues the token without the claims it could not read, within the budget', async () => {
    const started = performance.now();
    const answer = await invoke(makeEnrichToken(hangingDeps()), {
      json: tokenIssuanceStart({ id: USER, mail: 'casey@contoso.com' }),
    });
    expect(performance.now() - started).toBeLessThan(400);
    expect(answer.body.data.actions[0]).toEqual({
      '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken',
      claims: {},
    });
  });

  it('continues the start of attribute collection, and asks to retry only on submit', async () => {
    const start = await invoke(makeValidateProfile(hangingDeps()), {
      json: attributeCollectionStart('casey@contoso.com'),
    });
    expect(start.body.data.actions[0]['@odata.type']).toBe(
      'microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior',
    );
    const submit = await invoke(makeValidateProfile(hangingDeps()), {
      json: attributeCollectionSubmit('casey@contoso.com', loyaltyAttribute('24534')),
    });
    expect(submit.body.data.actions[0]).toMatchObject({
      '@odata.type': 'microsoft.graph.attributeCollectionSubmit.showValidationError',
      message: "We can't check your loyalty ID right now. Please try again in a moment.",
    });
  });
});
