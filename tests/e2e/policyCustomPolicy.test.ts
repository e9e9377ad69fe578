/**
 * End to end, B2C's part played by the simulator: the shipped policy (and its renderings with
 * each SendClaimsIn) runs its RESTful technical profiles against the local host over HTTP (whole
 * journeys: policyCustomPolicyJourneys.test.ts). When the policy and the API drift apart (a claim
 * name, a status code, a body shape), these fail.
 */
import { describe, expect, it } from 'vitest';
import { callRestProfile, PolicySet, type Credentials } from '../../scripts/preview/simulators/b2c';
import {
  CANNOT_CHECK,
  CREDENTIALS,
  MEMBER_WITH_BALANCE,
  NOT_ASSOCIATED_EN,
  NOT_ASSOCIATED_FR,
  useCustomPolicyHost,
  variantCalls,
  VARIANTS,
} from '../support/customPolicyRun';

import { render, withoutMetadataItem } from '../support/policyKit';
import { randomUUID } from 'node:crypto';

const host = useCustomPolicyHost();

describe.each(VARIANTS)('the %s policy against the API', (name) => {
  const { validate, getProfile } = variantCalls(name, host);

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
});

describe('a policy without IncludeClaimResolvingInClaimsHandling', () => {
  it("sends {Culture:LCID} as literal text: the API answers in its default language and logs what's missing", async () => {
    const policies = new PolicySet(
      withoutMetadataItem(
        render({ baseUrl: host().baseUrl, auth: 'apikey' }),
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
      .poll(() => host().output())
      .toContain('the lang claim arrived as the literal text {Culture:LCID}');
  });
});

describe('every --auth rendering, against an API that checks API_AUTH=apikey,basic', () => {
  const call = (
    auth: 'basic' | 'apikey' | 'certificate' | 'bearer' | 'none',
    credentials: Credentials,
  ) => {
    const policies = new PolicySet(render({ baseUrl: host().baseUrl, auth }));
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
