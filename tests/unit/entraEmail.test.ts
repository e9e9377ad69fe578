/**
 * The loyalty ID (and EnrichToken's promo code) goes only to the email Entra vouched for: the
 * user's sign-in identity (an email sign-in type, or a federated issuerAssignedId that is an
 * email), never the free `user.mail` property or an `email` attribute, unless the operator sets
 * ENTRA_TRUST_USER_MAIL=true.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { aMember } from '../support/builders';
import {
  attributeCollectionStart,
  loyaltyAttribute,
  tokenIssuanceStart,
} from '../../scripts/preview/simulators/entraEvents';
import { invoke, testDeps, type Answer } from '../support/invoke';

const USER = '90847c2a-e29d-4d2f-9f54-c5b4d3f26471';
const VICTIM = 'casey@contoso.com';
let repository: MemoryLoyaltyRepository;

beforeEach(async () => {
  repository = new MemoryLoyaltyRepository();
  await repository.saveMember(aMember({ email: VICTIM, loyaltyId: '24534', promoCode: '84362' }));
});

const enrich = (body: object, env: Record<string, string> = {}) =>
  invoke(makeEnrichToken(testDeps({ repository, env })), { json: body });

const claims = (answer: Answer): Record<string, string> => {
  expect(answer.status).toBe(200);
  return answer.body.data.actions[0].claims;
};

const email = (issuerAssignedId: string) => ({
  signInType: 'email',
  issuer: 'contoso.onmicrosoft.com',
  issuerAssignedId,
});

describe('OnTokenIssuanceStart reads the email of the sign-in identity', () => {
  it("gives nothing of a member's to a user whose only claim to the email is user.mail", async () => {
    const answer = await enrich(tokenIssuanceStart({ id: USER, mail: VICTIM, identities: [] }));
    expect(claims(answer)).not.toHaveProperty('loyaltyId');
    expect(claims(answer)).not.toHaveProperty('promoCode');
    expect(answer.text).not.toContain('84362');
    expect(answer.logs.some((l) => l.message.includes('ENTRA_TRUST_USER_MAIL'))).toBe(true);
  });

  it('prefers the email sign-in identity over a different user.mail', async () => {
    const answer = await enrich(
      tokenIssuanceStart({ id: USER, mail: VICTIM, identities: [email('mallory@contoso.com')] }),
    );
    expect(claims(answer)).not.toHaveProperty('loyaltyId');
    const own = await enrich(
      tokenIssuanceStart({ id: USER, mail: 'other@contoso.com', identities: [email(VICTIM)] }),
    );
    expect(claims(own)).toMatchObject({ loyaltyId: '24534', promoCode: '84362' });
  });

  it('takes a federated identity whose issuerAssignedId is an email', async () => {
    const federated = { signInType: 'federated', issuer: 'google.com', issuerAssignedId: VICTIM };
    const answer = await enrich(tokenIssuanceStart({ id: USER, identities: [federated] }));
    expect(claims(answer)).toMatchObject({ loyaltyId: '24534' });
  });

  it('never takes a federated identity that is an opaque id, nor then user.mail', async () => {
    const federated = {
      signInType: 'federated',
      issuer: 'facebook.com',
      issuerAssignedId: '5eecb0cd',
    };
    const answer = await enrich(
      tokenIssuanceStart({ id: USER, mail: VICTIM, identities: [federated] }),
    );
    expect(claims(answer)).not.toHaveProperty('loyaltyId');
  });

  it('trusts user.mail only with ENTRA_TRUST_USER_MAIL=true', async () => {
    const answer = await enrich(tokenIssuanceStart({ id: USER, mail: VICTIM, identities: [] }), {
      ENTRA_TRUST_USER_MAIL: 'true',
    });
    expect(claims(answer)).toMatchObject({ loyaltyId: '24534', promoCode: '84362' });
  });
});

describe('OnAttributeCollectionStart prefills only for the sign-in identity', () => {
  const emailAttribute = {
    email: {
      '@odata.type': 'microsoft.graph.stringDirectoryAttributeValue',
      value: VICTIM,
      attributeType: 'builtIn',
    },
  };

  it('does not prefill the loyalty ID of an email given only as an attribute', async () => {
    const handler = makeValidateProfile(testDeps({ repository }));
    const answer = await invoke(handler, {
      json: attributeCollectionStart(undefined, { ...emailAttribute, ...loyaltyAttribute(null) }),
    });
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain('24534');
    const vouched = await invoke(handler, {
      json: attributeCollectionStart(VICTIM, loyaltyAttribute(null)),
    });
    expect(vouched.text).toContain('24534');
  });
});

describe('ENTRA_TRUST_USER_MAIL', () => {
  it('is true or false, else the app refuses to start naming it', () => {
    expect(() => testDeps({ env: { ENTRA_TRUST_USER_MAIL: 'yes' } })).toThrow(
      'Setting ENTRA_TRUST_USER_MAIL is malformed',
    );
  });
});
