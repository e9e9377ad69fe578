/**
 * End to end, B2C's part played by the simulator: whole journeys (sign-up, sign-in, profile edit,
 * password reset) of the shipped policy and its renderings with each SendClaimsIn, against the
 * local host over HTTP (the technical profiles one by one: policyCustomPolicy.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runJourney } from '../../scripts/preview/simulators/b2c';
import {
  CANNOT_CHECK,
  EMILY,
  MEMBER_WITH_BALANCE,
  NOT_ASSOCIATED_EN,
  PASSWORDS,
  useCustomPolicyHost,
  variantCalls,
  VARIANTS,
} from '../support/customPolicyRun';

import { randomUUID } from 'node:crypto';

const host = useCustomPolicyHost();

describe.each(VARIANTS)('the %s policy against the API', (name) => {
  const { v, validate, journey } = variantCalls(name, host);

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
      const outcome = await runJourney(v().policies, {
        ...v().options,
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
