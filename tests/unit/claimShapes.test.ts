/**
 * Claims are what B2C and Entra send, however the host delivers them: `objectId` (Entra: the
 * user's id) is a GUID, and a claim given twice is refused, whether it arrives repeated (as the
 * library parses a URL) or comma-joined (as the Functions host hands a repeated query key or
 * header to the worker). Never a new balance row for either.
 */
import { describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeGetProfile } from '../../functions/GetProfile';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { aMember } from '../support/builders';
import { expectCustomPolicyAnswer, expectUserFlowAnswer } from '../support/contract';
import { tokenIssuanceStart } from '../../scripts/preview/simulators/entraEvents';
import { invoke, testDeps, type Answer, type RequestSpec } from '../support/invoke';

const A = '1f0c8b7e-3d2a-4c5b-9e6f-7a8b9c0d1e2f';
const B = '2e1d9c8f-4e3b-4d6c-8f70-8b9c0d1e2f3a';

function expectInvalidClaim(answer: Answer, dialect: 'customPolicy' | 'userFlow'): void {
  expect(answer.status).toBe(400);
  expect(answer.body.code).toBe('InvalidClaim');
  if (dialect === 'userFlow') {
    expectUserFlowAnswer(answer);
    expect(answer.body.action).toBe('ValidationError');
  } else {
    expectCustomPolicyAnswer(answer);
  }
}

describe('objectId must be a GUID', () => {
  it.each([
    [
      'GetProfile, custom policy',
      makeGetProfile,
      { json: { objectId: 'new-user' } },
      'customPolicy',
    ],
    [
      'GetProfile, query string',
      makeGetProfile,
      { method: 'GET', query: { objectId: '../admin' } },
      'customPolicy',
    ],
    [
      'EnrichToken, user flow',
      makeEnrichToken,
      { json: { step: 'PreTokenIssuance', objectId: 'not-a-guid' } },
      'userFlow',
    ],
    [
      'EnrichToken, Entra (the user id)',
      makeEnrichToken,
      { json: tokenIssuanceStart({ id: 'not-a-guid', mail: 'a@contoso.com' }) },
      'customPolicy',
    ],
  ] as const)('%s: 400 InvalidClaim, and no balance row', async (_label, make, spec, dialect) => {
    const repository = new MemoryLoyaltyRepository();
    const answer = await invoke(make(testDeps({ repository })), spec as RequestSpec);
    expectInvalidClaim(answer, dialect);
    expect(answer.body.developerMessage).toContain("'objectId'");
    for (const id of ['new-user', '../admin', 'not-a-guid']) {
      expect(await repository.getBalance(id)).toBeUndefined();
    }
  });

  it('registers a GUID objectId as before', async () => {
    const repository = new MemoryLoyaltyRepository();
    const answer = await invoke(makeGetProfile(testDeps({ repository })), {
      json: { objectId: A },
    });
    expect(answer.body).toEqual({ balance: '50.00' });
  });
});

describe('a repeated claim is refused however the host delivers it', () => {
  it('GET /api/GetProfile?objectId=A&objectId=B as the Functions host builds it (A,B)', async () => {
    const repository = new MemoryLoyaltyRepository();
    const answer = await invoke(makeGetProfile(testDeps({ repository })), {
      method: 'GET',
      query: `objectId=${A}&objectId=${B}`,
    });
    expectInvalidClaim(answer, 'customPolicy');
    for (const id of [A, B, `${A},${B}`]) expect(await repository.getBalance(id)).toBeUndefined();
  });

  it.each([
    ['email', { email: 'david@contoso.com,eve@contoso.com', loyaltyId: '5678' }],
    ['loyaltyId', { email: 'david@contoso.com', loyaltyId: '1111,5678' }],
  ])('ValidateProfile with a comma-joined %s from the host', async (name, hostQuery) => {
    const repository = new MemoryLoyaltyRepository();
    await repository.saveMember(aMember({ email: 'david@contoso.com', loyaltyId: '5678' }));
    const answer = await invoke(makeValidateProfile(testDeps({ repository })), {
      method: 'GET',
      query: hostQuery,
    });
    expectInvalidClaim(answer, 'customPolicy');
    expect(answer.body.developerMessage).toContain(`'${name}'`);
    expect(answer.text).not.toContain('WELCOME10');
  });

  it('SendClaimsIn Header: a repeated objectid header (joined with ", ")', async () => {
    const repository = new MemoryLoyaltyRepository();
    const answer = await invoke(makeGetProfile(testDeps({ repository })), {
      method: 'GET',
      headers: { objectid: `${A}, ${B}` },
    });
    expectInvalidClaim(answer, 'customPolicy');
    expect(await repository.getBalance(A)).toBeUndefined();
  });

  it('a comma-joined email in a JSON body, and one in a user flow', async () => {
    const handler = makeValidateProfile(testDeps());
    expectInvalidClaim(
      await invoke(handler, { json: { email: 'a@contoso.com,b@contoso.com', loyaltyId: '1' } }),
      'customPolicy',
    );
    expectInvalidClaim(
      await invoke(handler, {
        json: { step: 'PostAttributeCollection', email: 'a@contoso.com,b@contoso.com' },
      }),
      'userFlow',
    );
  });

  it('keeps a list where a list is the claim: lang and ui_locales', async () => {
    const answer = await invoke(makeGetProfile(testDeps()), {
      method: 'GET',
      query: { objectId: A, ui_locales: 'fr-FR,en' },
    });
    expect(answer.status).toBe(200);
  });
});
