/**
 * End to end, B2C's part played by the simulator: the shipped policy (and its renderings with
 * each SendClaimsIn) runs its RESTful technical profiles against the local host over HTTP. When
 * the policy and the API drift apart (a claim name, a status code, a body shape), these fail.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEND_CLAIMS_IN } from '../../scripts/policy';
import {
  callRestProfile,
  PolicySet,
  runJourney,
  type Claims,
  type Credentials,
  type JourneyOptions,
  type RestCallOptions,
} from '../../scripts/preview/simulators/b2c';
import type { RunningHost } from '../support/host';
import { render, shippedPolicies, withoutMetadataItem } from '../support/policyKit';
import { startPolicyHost } from '../support/policyHost';

let host: RunningHost;

/** The secrets the host checks (API_AUTH=apikey,basic), as the policy keys would hold them. */
const CREDENTIALS = {
  apiKey: 'policy-e2e-api-key-0123456789',
  username: 'b2c-policy',
  password: 'policy-e2e-password',
} as const;

beforeAll(async () => {
  host = await startPolicyHost('Policy', {
    API_AUTH: 'apikey,basic',
    API_KEY: CREDENTIALS.apiKey,
    BASIC_AUTH_USERNAME: CREDENTIALS.username,
    BASIC_AUTH_PASSWORD: CREDENTIALS.password,
    // these tests get many loyalty IDs wrong on purpose
    MAX_FAILED_VALIDATIONS: '1000',
  });
});

afterAll(async () => {
  await host?.stop();
});

const EMILY = 'ab3ec3b2-a435-45e4-b93a-56a005e88bb7';
const MEMBER_WITH_BALANCE = '11111111-0000-0000-0000-000000000000';
const NOT_ASSOCIATED_EN =
  "Loyalty ID '1234' is not associated with 'david@contoso.com' email address.";
const NOT_ASSOCIATED_FR =
  "L'identifiant de fidélité '1234' n'est pas associé à l'adresse e-mail 'david@contoso.com'.";
/** What the user types in the sign-up page's two password boxes (both Required). */
const PASSWORDS = { newPassword: 'Sp!ng-24-pass', reenterPassword: 'Sp!ng-24-pass' } as const;
const CANNOT_CHECK = "We can't check your loyalty ID right now. Please try again in a moment.";

interface Variant {
  readonly policies: PolicySet;
  readonly options: RestCallOptions;
}

/** The shipped files as they are (Body), sent to the host; or rendered for the host per mode. */
const VARIANTS = ['shipped', ...SEND_CLAIMS_IN] as const;

function variant(name: (typeof VARIANTS)[number]): Variant {
  if (name === 'shipped') {
    return {
      policies: new PolicySet(shippedPolicies()),
      options: { redirectTo: host.baseUrl, credentials: CREDENTIALS },
    };
  }
  return {
    policies: new PolicySet(render({ baseUrl: host.baseUrl, auth: 'apikey', sendClaimsIn: name })),
    options: { credentials: CREDENTIALS },
  };
}

describe.each(VARIANTS)('the %s policy against the API', (name) => {
  let v: Variant;
  beforeAll(() => {
    v = variant(name);
  });

  const validate = (claims: Claims, culture = 'en-US') =>
    callRestProfile(v.policies.restProfile('REST-ValidateProfile'), claims, v.policies, {
      ...v.options,
      context: { culture },
    });
  const getProfile = (claims: Claims) =>
    callRestProfile(v.policies.restProfile('REST-GetProfile'), claims, v.policies, v.options);
  const journey = (options: Omit<JourneyOptions, 'redirectTo' | 'credentials'>) =>
    runJourney(v.policies, { ...v.options, ...options });

  describe('REST-ValidateProfile, the validation technical profile of sign-up', () => {
    it('gets the promo code of a loyalty ID registered to the email', async () => {
      const outcome = await validate({ email: 'david@contoso.com', loyaltyId: '5678' });
      expect(outcome).toMatchObject({
        kind: 'claims',
        claims: { promoCode: 'SPRING24' },
        missing: [],
      });
      expect(outcome.request.sendClaimsIn).toBe(name === 'shipped' ? 'Body' : name);
    });

    it('shows on the page why a loyalty ID not registered to the email is refused', async () => {
      expect(await validate({ email: 'david@contoso.com', loyaltyId: '1234' })).toMatchObject({
        kind: 'pageError',
        userMessage: NOT_ASSOCIATED_EN,
      });
    });

    it("says it in the user's language ({Culture:LCID} sent as lang)", async () => {
      const outcome = await validate({ email: 'david@contoso.com', loyaltyId: '1234' }, 'fr-FR');
      expect(outcome.request.sent.lang).toBe('1036');
      expect(outcome).toMatchObject({ kind: 'pageError', userMessage: NOT_ASSOCIATED_FR });
    });

    it('refuses a suspended membership on the page', async () => {
      expect(await validate({ email: 'sam@fabrikam.com', loyaltyId: '9001' })).toMatchObject({
        kind: 'pageError',
        userMessage: "Loyalty ID '9001' is suspended. Please contact customer support.",
      });
    });

    it('lets a sign-up without a loyalty ID through, with no promo code', async () => {
      const outcome = await validate({ email: 'new.member@contoso.com' });
      expect(outcome.request.sent).not.toHaveProperty('loyaltyId');
      // The policy's empty DefaultValue stands in for the promo code the API does not return.
      expect(outcome).toMatchObject({ kind: 'claims', claims: {}, missing: [] });
    });

    it('matches the email whatever its case', async () => {
      expect(await validate({ email: 'David@Contoso.com', loyaltyId: '5678' })).toMatchObject({
        kind: 'claims',
        claims: { promoCode: 'SPRING24' },
      });
    });

    it('fails technically, with the policy’s message, when the email is missing', async () => {
      expect(await validate({ loyaltyId: '5678' })).toMatchObject({
        kind: 'failure',
        status: 400,
        shownToUser: CANNOT_CHECK,
      });
    });
  });

  describe('REST-GetProfile, the orchestration step before the token', () => {
    it("gets the user's balance", async () => {
      expect(await getProfile({ objectId: MEMBER_WITH_BALANCE })).toMatchObject({
        kind: 'claims',
        claims: { balance: '760.50' },
      });
    });

    it('registers a new user with the starting balance, once', async () => {
      const objectId = randomUUID();
      for (let i = 0; i < 2; i++) {
        expect(await getProfile({ objectId })).toMatchObject({
          kind: 'claims',
          claims: { balance: '50.00' },
        });
      }
    });
  });

  describe('the journeys', () => {
    it('local sign-up with a registered loyalty ID: the token carries the promo code and the starting balance', async () => {
      const objectId = randomUUID();
      const outcome = await journey({
        relyingParty: 'B2C_1A_signup_signin',
        choose: { 1: 'none', 2: 'SignUpWithLogonEmailExchange' },
        userInput: {
          LocalAccountSignUpWithLogonEmail: {
            email: 'david@contoso.com',
            ...PASSWORDS,
            displayName: 'David',
            loyaltyId: '5678',
          },
        },
        stubs: {
          // what the base policy's AAD-UserWriteUsingLogonEmail adds once validation passed
          LocalAccountSignUpWithLogonEmail: {
            objectId,
            newUser: 'true',
            authenticationSource: 'localAccountAuthentication',
          },
          'AAD-UserReadUsingObjectId': { givenName: 'David' },
        },
        context: { tenantObjectId: 'f06c2fe8-709f-4030-85dc-38a4bfd9e82d' },
      });
      expect(outcome).toMatchObject({
        kind: 'token',
        issuer: 'JwtIssuer',
        claims: {
          sub: objectId,
          email: 'david@contoso.com',
          displayName: 'David',
          givenName: 'David',
          tenantId: 'f06c2fe8-709f-4030-85dc-38a4bfd9e82d',
          promoCode: 'SPRING24',
          balance: '50.00',
        },
      });
      if (outcome.kind === 'token') {
        expect(outcome.calls.map((c) => [c.step, c.technicalProfile])).toEqual([
          [2, 'REST-ValidateProfile'],
          [7, 'REST-GetProfile'],
        ]);
        expect(outcome.claims).not.toHaveProperty('loyaltyId');
      }
    });

    it('local sign-up with a wrong loyalty ID stays on the page; the account is not created', async () => {
      const outcome = await journey({
        relyingParty: 'B2C_1A_signup_signin',
        choose: { 1: 'none', 2: 'SignUpWithLogonEmailExchange' },
        userInput: {
          LocalAccountSignUpWithLogonEmail: {
            email: 'david@contoso.com',
            ...PASSWORDS,
            loyaltyId: '1234',
          },
        },
        stubs: { LocalAccountSignUpWithLogonEmail: { objectId: randomUUID() } },
      });
      expect(outcome).toMatchObject({
        kind: 'pageError',
        step: 2,
        technicalProfile: 'REST-ValidateProfile',
        userMessage: NOT_ASSOCIATED_EN,
      });
      expect(outcome.calls).toHaveLength(1);
    });

    it('social sign-up: the page after Facebook validates the loyalty ID too', async () => {
      const objectId = randomUUID();
      const outcome = await journey({
        relyingParty: 'B2C_1A_signup_signin',
        choose: { 1: 'none', 2: 'FacebookExchange' },
        stubs: {
          'Facebook-OAUTH': {
            email: 'emily@outlook.com',
            displayName: 'Emily Smith',
            identityProvider: 'facebook.com',
            authenticationSource: 'socialIdpAuthentication',
          },
          'AAD-UserReadUsingAlternativeSecurityId-NoError': {},
          'SelfAsserted-Social': { objectId, newUser: 'true' },
        },
        userInput: { 'SelfAsserted-Social': { loyaltyId: '24534' } },
      });
      expect(outcome).toMatchObject({
        kind: 'token',
        claims: {
          sub: objectId,
          identityProvider: 'facebook.com',
          promoCode: '84362',
          balance: '50.00',
        },
      });
    });

    it('social sign-up without an email from the identity provider asks the user for one before calling the API', async () => {
      const outcome = await journey({
        relyingParty: 'B2C_1A_signup_signin',
        choose: { 1: 'none', 2: 'FacebookExchange' },
        stubs: {
          'Facebook-OAUTH': {
            displayName: 'No Mail',
            authenticationSource: 'socialIdpAuthentication',
          },
          'AAD-UserReadUsingAlternativeSecurityId-NoError': {},
        },
        userInput: { 'SelfAsserted-Social': {} },
      });
      expect(outcome).toMatchObject({
        kind: 'pageError',
        step: 4,
        technicalProfile: 'SelfAsserted-Social',
        userMessage: 'email: This information is required.',
        calls: [],
      });
      // what the page prevents: the API refuses a call without email, loyalty ID or not
      expect(await validate({})).toMatchObject({ kind: 'failure', status: 400 });
    });

    it('sign-in: the token carries the balance and no promo code', async () => {
      const outcome = await journey({
        relyingParty: 'B2C_1A_signup_signin',
        stubs: {
          'SelfAsserted-LocalAccountSignin-Email': {
            objectId: MEMBER_WITH_BALANCE,
            authenticationSource: 'localAccountAuthentication',
          },
          'AAD-UserReadUsingObjectId': { displayName: 'John Smith' },
        },
      });
      expect(outcome).toMatchObject({
        kind: 'token',
        claims: { sub: MEMBER_WITH_BALANCE, balance: '760.50' },
      });
      if (outcome.kind === 'token') {
        expect(outcome.claims).not.toHaveProperty('promoCode');
        expect(outcome.calls.map((c) => c.technicalProfile)).toEqual(['REST-GetProfile']);
      }
    });

    it('password reset and profile edit: the token carries the balance', async () => {
      const reset = await journey({
        relyingParty: 'B2C_1A_PasswordReset',
        stubs: {
          LocalAccountDiscoveryUsingEmailAddress: { email: 'emily@outlook.com', objectId: EMILY },
          LocalAccountWritePasswordUsingObjectId: {},
        },
      });
      expect(reset).toMatchObject({
        kind: 'token',
        claims: { sub: EMILY, email: 'emily@outlook.com', balance: '202.75' },
      });
      const edit = await journey({
        relyingParty: 'B2C_1A_ProfileEdit',
        choose: { 2: 'LocalAccountSigninEmailExchange' },
        stubs: {
          'SelfAsserted-LocalAccountSignin-Email': {
            objectId: EMILY,
            authenticationSource: 'localAccountAuthentication',
          },
          'AAD-UserReadUsingObjectId': {},
          'SelfAsserted-ProfileUpdate': { givenName: 'Emily' },
        },
      });
      expect(edit).toMatchObject({ kind: 'token', claims: { sub: EMILY, balance: '202.75' } });
    });

    it('the UserInfo endpoint returns the balance with the directory claims', async () => {
      const outcome = await journey({
        relyingParty: 'B2C_1A_signup_signin',
        endpoint: 'UserInfo',
        stubs: {
          UserInfoAuthorization: { objectId: EMILY },
          'AAD-UserReadUsingObjectId': {
            displayName: 'Emily Smith',
            givenName: 'Emily',
            surname: 'Smith',
            'signInNames.emailAddress': 'emily@outlook.com',
          },
        },
      });
      expect(outcome).toEqual(
        expect.objectContaining({
          kind: 'token',
          issuer: 'UserInfoIssuer',
          claims: {
            objectId: EMILY,
            givenName: 'Emily',
            surname: 'Smith',
            displayName: 'Emily Smith',
            'signInNames.emailAddress': 'emily@outlook.com',
            balance: '202.75',
          },
        }),
      );
    });

    it('an unreachable API stops the sign-up on the page with the policy’s message, never the ServiceUrl', async () => {
      const outcome = await runJourney(v.policies, {
        ...v.options,
        redirectTo: 'http://127.0.0.1:9',
        relyingParty: 'B2C_1A_signup_signin',
        choose: { 1: 'none', 2: 'SignUpWithLogonEmailExchange' },
        userInput: {
          LocalAccountSignUpWithLogonEmail: {
            email: 'david@contoso.com',
            ...PASSWORDS,
            loyaltyId: '5678',
          },
        },
      });
      expect(outcome).toMatchObject({ kind: 'pageError', userMessage: CANNOT_CHECK });
    });
  });
});

describe('a policy without IncludeClaimResolvingInClaimsHandling', () => {
  it("sends {Culture:LCID} as literal text: the API answers in its default language and logs what's missing", async () => {
    const policies = new PolicySet(
      withoutMetadataItem(
        render({ baseUrl: host.baseUrl, auth: 'apikey' }),
        'IncludeClaimResolvingInClaimsHandling',
      ),
    );
    const outcome = await callRestProfile(
      policies.restProfile('REST-ValidateProfile'),
      { email: 'david@contoso.com', loyaltyId: '1234' },
      policies,
      { context: { culture: 'fr-FR' }, credentials: CREDENTIALS },
    );
    expect(outcome.request.sent.lang).toBe('{Culture:LCID}');
    expect(outcome).toMatchObject({ kind: 'pageError', userMessage: NOT_ASSOCIATED_EN });
    await expect
      .poll(() => host.output())
      .toContain('the lang claim arrived as the literal text {Culture:LCID}');
  });
});

describe('every --auth rendering, against an API that checks API_AUTH=apikey,basic', () => {
  const call = (
    auth: 'basic' | 'apikey' | 'certificate' | 'bearer' | 'none',
    credentials: Credentials,
  ) => {
    const policies = new PolicySet(render({ baseUrl: host.baseUrl, auth }));
    return callRestProfile(
      policies.restProfile('REST-ValidateProfile'),
      { email: 'david@contoso.com', loyaltyId: '5678' },
      policies,
      { credentials },
    );
  };

  it.each(['basic', 'apikey'] as const)(
    '%s: B2C sends the policy keys where the API looks for them, and the call goes through',
    async (auth) => {
      expect(await call(auth, CREDENTIALS)).toMatchObject({
        kind: 'claims',
        claims: { promoCode: 'SPRING24' },
      });
    },
  );

  it.each(['none', 'certificate', 'bearer'] as const)(
    '%s: B2C accepts the configuration, the API answers 401, the user reads the policy’s message',
    async (auth) => {
      expect(await call(auth, { ...CREDENTIALS, bearerToken: 'not-a-jwt' })).toMatchObject({
        kind: 'failure',
        status: 401,
        shownToUser: CANNOT_CHECK,
      });
    },
  );

  it('a wrong API key or password is refused with 401', async () => {
    expect(await call('apikey', { apiKey: 'policy-e2e-api-key-wrong-0000' })).toMatchObject({
      kind: 'failure',
      status: 401,
    });
    expect(
      await call('basic', { username: CREDENTIALS.username, password: 'wrong' }),
    ).toMatchObject({
      kind: 'failure',
      status: 401,
    });
  });
});
