/**
 * End to end for user flows, B2C's part played by the simulator: each API connector at its step
 * (policies/README.md, "User flows"), with the documented request shapes, against the local host
 * over HTTP, with Basic authentication as API connectors offer it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHost } from '../support/host';
import { startPolicyHost } from '../support/policyHost';
import {
  callConnector,
  connectorRequest,
  type ApiConnector,
  type ConnectorStep,
  type UserAttributes,
  type UserFlow,
} from '../../scripts/preview/simulators/userFlow';

const EXTENSIONS_APP_ID = 'b2c0e7a1-5c8e-4a7e-9d3c-0123456789ab';
const APP_ID_PART = EXTENSIONS_APP_ID.replace(/-/g, '');
const BASIC = { username: 'b2c-connector', password: 'user-flow-e2e-password' } as const;
const EMILY = 'ab3ec3b2-a435-45e4-b93a-56a005e88bb7';

let host: RunningHost;

beforeAll(async () => {
  host = await startPolicyHost('UserFlow', {
    API_AUTH: 'basic',
    BASIC_AUTH_USERNAME: BASIC.username,
    BASIC_AUTH_PASSWORD: BASIC.password,
    EXTENSIONS_APP_ID,
    MAX_FAILED_VALIDATIONS: '1000',
  });
});

afterAll(async () => {
  await host?.stop();
});

const flow: UserFlow = {
  extensionsAppId: EXTENSIONS_APP_ID,
  customAttributes: ['loyaltyId', 'promoCode', 'balance'],
  clientId: '93fd07aa-333c-409d-955d-96008fd08dd9',
  uiLocales: 'en-US',
};

function connector(fn: 'ValidateProfile' | 'EnrichToken' | 'GetProfile'): ApiConnector {
  return { endpointUrl: `${host.baseUrl}/api/${fn}`, basic: BASIC };
}

const call = (
  fn: 'ValidateProfile' | 'EnrichToken' | 'GetProfile',
  step: ConnectorStep,
  user: UserAttributes,
  overrides: Partial<UserFlow> = {},
) => callConnector(connector(fn), step, user, { ...flow, ...overrides });

const facebook = (email: string): UserAttributes => ({
  email,
  identities: [{ signInType: 'federated', issuer: 'facebook.com', issuerAssignedId: '0123456789' }],
  displayName: 'John Smith',
  givenName: 'John',
  surname: 'Smith',
});

describe('the requests B2C sends at each step', () => {
  it('sends custom attributes as extension_<app id>_Name, and objectId only before the token', () => {
    const user: UserAttributes = {
      ...facebook('david@contoso.com'),
      objectId: EMILY,
      custom: { loyaltyId: '5678', promoCode: '' },
    };
    const federation = connectorRequest('PostFederationSignup', user, flow);
    expect(federation).not.toHaveProperty('objectId');
    expect(Object.keys(federation).some((k) => k.startsWith('extension_'))).toBe(false);
    const collection = connectorRequest('PostAttributeCollection', user, flow);
    expect(collection).toMatchObject({
      step: 'PostAttributeCollection',
      client_id: flow.clientId,
      ui_locales: 'en-US',
      [`extension_${APP_ID_PART}_loyaltyId`]: '5678',
    });
    expect(collection).not.toHaveProperty(`extension_${APP_ID_PART}_promoCode`); // no value, not sent
    expect(connectorRequest('PreTokenIssuance', user, flow)).toMatchObject({
      objectId: EMILY,
      step: 'PreTokenIssuance',
    });
    expect(
      connectorRequest('PreTokenIssuance', user, {
        ...flow,
        tokenStepSpelling: 'PreTokenApplicationClaims',
      }),
    ).toMatchObject({ step: 'PreTokenApplicationClaims', clientId: flow.clientId });
  });
});

describe('ValidateProfile after federating with an identity provider (PostFederationSignup)', () => {
  it("pre-fills the loyalty ID of the email's active membership", async () => {
    const outcome = await call(
      'ValidateProfile',
      'PostFederationSignup',
      facebook('david@contoso.com'),
    );
    expect(outcome).toMatchObject({ kind: 'continue', claims: { loyaltyId: '5678' } });
    expect(outcome.kind === 'continue' && outcome.body).toHaveProperty(
      `extension_${APP_ID_PART}_loyaltyId`,
      '5678',
    );
  });

  it('shows the block page to a suspended member', async () => {
    expect(
      await call('ValidateProfile', 'PostFederationSignup', facebook('sam@fabrikam.com')),
    ).toMatchObject({
      kind: 'blockPage',
      userMessage:
        'Your loyalty membership is suspended, so you cannot sign up right now. Please contact customer support.',
    });
  });

  it('continues with nothing to pre-fill for an email without membership', async () => {
    expect(
      await call('ValidateProfile', 'PostFederationSignup', facebook('nobody@contoso.com')),
    ).toMatchObject({
      kind: 'continue',
      claims: {},
    });
  });
});

describe('ValidateProfile before creating the user (PostAttributeCollection)', () => {
  const signUp = (email: string, loyaltyId?: string): UserAttributes => ({
    email,
    displayName: 'New Member',
    ...(loyaltyId === undefined ? {} : { custom: { loyaltyId } }),
  });

  it('continues with the promo code of a registered loyalty ID', async () => {
    expect(
      await call('ValidateProfile', 'PostAttributeCollection', signUp('david@contoso.com', '5678')),
    ).toMatchObject({
      kind: 'continue',
      claims: { promoCode: 'SPRING24' },
    });
  });

  it('keeps the user on the page with a validation error for a loyalty ID not registered to the email', async () => {
    expect(
      await call('ValidateProfile', 'PostAttributeCollection', signUp('david@contoso.com', '1234')),
    ).toMatchObject({
      kind: 'validationError',
      status: 400,
      userMessage: "Loyalty ID '1234' is not associated with 'david@contoso.com' email address.",
    });
  });

  it('says it in the language of ui_locales', async () => {
    expect(
      await call(
        'ValidateProfile',
        'PostAttributeCollection',
        signUp('david@contoso.com', '1234'),
        {
          uiLocales: 'fr-FR',
        },
      ),
    ).toMatchObject({
      kind: 'validationError',
      userMessage:
        "L'identifiant de fidélité '1234' n'est pas associé à l'adresse e-mail 'david@contoso.com'.",
    });
  });

  it('shows the block page for a suspended membership', async () => {
    expect(
      await call('ValidateProfile', 'PostAttributeCollection', signUp('sam@fabrikam.com', '9001')),
    ).toMatchObject({
      kind: 'blockPage',
      userMessage: "Loyalty ID '9001' is suspended. Please contact customer support.",
    });
  });

  it('continues without a promo code when no loyalty ID was entered', async () => {
    expect(
      await call('ValidateProfile', 'PostAttributeCollection', signUp('new.member@contoso.com')),
    ).toMatchObject({
      kind: 'continue',
      claims: {},
    });
  });
});

describe('before sending the token (PreTokenIssuance)', () => {
  const emily: UserAttributes = {
    email: 'emily@outlook.com',
    displayName: 'Emily Smith',
    objectId: EMILY,
    custom: { loyaltyId: '24534' },
  };

  it.each(['PreTokenIssuance', 'PreTokenApplicationClaims'] as const)(
    'EnrichToken adds balance, loyalty ID and promo code, never email (step spelled %s)',
    async (tokenStepSpelling) => {
      expect(await call('EnrichToken', 'PreTokenIssuance', emily, { tokenStepSpelling })).toEqual(
        expect.objectContaining({
          kind: 'continue',
          claims: { balance: '202.75', loyaltyId: '24534', promoCode: '84362' },
        }),
      );
    },
  );

  it('GetProfile adds the balance, registering a new user with the starting balance', async () => {
    const objectId = randomUUID();
    expect(
      await call('GetProfile', 'PreTokenIssuance', { email: 'someone@contoso.com', objectId }),
    ).toMatchObject({
      kind: 'continue',
      claims: { balance: '50.00' },
    });
  });

  it('ValidateProfile connected at this step by mistake lets the token go out (Continue, nothing added)', async () => {
    expect(await call('ValidateProfile', 'PreTokenIssuance', emily)).toMatchObject({
      kind: 'continue',
      claims: {},
    });
  });
});

describe("the API connector's Basic authentication", () => {
  it('is refused with a wrong password, or without credentials', async () => {
    const user = facebook('david@contoso.com');
    for (const endpoint of [
      {
        endpointUrl: `${host.baseUrl}/api/ValidateProfile`,
        basic: { ...BASIC, password: 'wrong' },
      },
      { endpointUrl: `${host.baseUrl}/api/ValidateProfile` },
    ]) {
      expect(await callConnector(endpoint, 'PostFederationSignup', user, flow)).toMatchObject({
        kind: 'failure',
        status: 401,
      });
    }
  });
});
