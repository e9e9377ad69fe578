/**
 * One set of rule tests for all three dialects: each scenario is asked in the custom-policy,
 * user-flow and Entra dialects, each answer is read back into a neutral decision, and all three
 * must agree. The rules are shared; only the wire format differs.
 */
import { describe, expect, it } from 'vitest';
import type { HttpHandler } from '@azure/functions';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { aMember, money } from '../support/builders';
import {
  attributeCollectionSubmit,
  loyaltyAttribute,
  tokenIssuanceStart,
} from '../../scripts/preview/simulators/entraEvents';
import { invoke, testDeps, type Answer } from '../support/invoke';

/** Users by objectId: a GUID, as B2C and Entra send it. */
const USER_1 = 'd6d77053-92bc-4af6-8332-8bea8c4c6904';

type Neutral =
  | { kind: 'continue'; claims: Record<string, string> }
  | { kind: 'invalid'; message: string }
  | { kind: 'block'; message: string };

const withoutPrefix = (claims: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(claims).map(([k, v]) => [k.replace(/^extension_(?:[0-9a-f]{32}_)?/, ''), v]),
  );

/** Reads any dialect's answer back into a neutral decision. */
function neutral(answer: Answer): Neutral {
  const body = answer.body;
  if (body.data?.actions) {
    const action = body.data.actions[0];
    const type: string = action['@odata.type'];
    if (type.endsWith('showValidationError')) return { kind: 'invalid', message: action.message };
    if (type.endsWith('showBlockPage')) return { kind: 'block', message: action.message };
    const claims = action.claims ?? action.attributes ?? action.inputs ?? {};
    return { kind: 'continue', claims: withoutPrefix(claims) };
  }
  if (body.action === 'ValidationError') return { kind: 'invalid', message: body.userMessage };
  if (body.action === 'ShowBlockPage') return { kind: 'block', message: body.userMessage };
  if (body.action === 'Continue') {
    const { version: _v, action: _a, ...claims } = body;
    return { kind: 'continue', claims: withoutPrefix(claims) };
  }
  if (answer.status === 409) {
    return { kind: body.code === 'Suspended' ? 'block' : 'invalid', message: body.userMessage };
  }
  return { kind: 'continue', claims: body };
}

async function handlerWith(
  make: (deps: ReturnType<typeof testDeps>) => HttpHandler,
): Promise<HttpHandler> {
  const repository = new MemoryLoyaltyRepository();
  await repository.saveMember(
    aMember({ email: 'casey@contoso.com', loyaltyId: '24534', promoCode: '84362' }),
  );
  await repository.saveMember(
    aMember({ email: 'sam@fabrikam.com', loyaltyId: '9001', status: 'suspended' }),
  );
  await repository.setBalance(USER_1, money('202.75'));
  return make(testDeps({ repository }));
}

const signUpScenarios: [string, string, string, Neutral][] = [
  [
    'a registered pair',
    'casey@contoso.com',
    '24534',
    { kind: 'continue', claims: { promoCode: '84362' } },
  ],
  [
    'an unregistered pair',
    'casey@contoso.com',
    '1234',
    {
      kind: 'invalid',
      message: "Loyalty ID '1234' is not associated with 'casey@contoso.com' email address.",
    },
  ],
  [
    'a suspended member',
    'sam@fabrikam.com',
    '9001',
    { kind: 'block', message: "Loyalty ID '9001' is suspended. Please contact customer support." },
  ],
];

describe.each(signUpScenarios)('sign-up validation of %s', (_label, email, loyaltyId, expected) => {
  it('is decided the same in the custom-policy, user-flow and Entra dialects', async () => {
    const handler = await handlerWith(makeValidateProfile);
    const answers = await Promise.all([
      invoke(handler, { json: { email, loyaltyId } }),
      invoke(handler, {
        json: { step: 'PostAttributeCollection', email, extension_loyaltyId: loyaltyId },
      }),
      invoke(handler, { json: attributeCollectionSubmit(email, loyaltyAttribute(loyaltyId)) }),
    ]);
    expect(answers.map(neutral)).toEqual([expected, expected, expected]);
  });
});

describe('token enrichment', () => {
  it('returns the same claims in the custom-policy, user-flow and Entra dialects', async () => {
    const handler = await handlerWith(makeEnrichToken);
    const answers = await Promise.all([
      invoke(handler, {
        json: { objectId: USER_1, email: 'casey@contoso.com' },
      }),
      invoke(handler, {
        json: {
          step: 'PreTokenIssuance',
          objectId: USER_1,
          email: 'casey@contoso.com',
        },
      }),
      invoke(handler, {
        json: tokenIssuanceStart({
          id: USER_1,
          mail: 'casey@contoso.com',
        }),
      }),
    ]);
    const expected: Neutral = {
      kind: 'continue',
      claims: { balance: '202.75', loyaltyId: '24534', promoCode: '84362' },
    };
    expect(answers.map(neutral)).toEqual([expected, expected, expected]);
  });
});
