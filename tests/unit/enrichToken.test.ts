import { beforeEach, describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { aMember, money } from '../support/builders';
import { expectCustomPolicyAnswer, expectUserFlowAnswer } from '../support/contract';
import { invoke, testDeps, type RequestSpec, type TestDeps } from '../support/invoke';

/** Users by objectId: a GUID, as B2C and Entra send it. */
const BRAND_NEW_USER = '8ea79b53-2265-4684-8c5c-0a1f3c80906d';

const EMILY = 'ab3ec3b2-a435-45e4-b93a-56a005e88bb7';
let repository: MemoryLoyaltyRepository;
let deps: TestDeps;

beforeEach(async () => {
  repository = new MemoryLoyaltyRepository();
  await repository.setBalance(EMILY, money('202.75'));
  await repository.saveMember(
    aMember({ email: 'emily@outlook.com', loyaltyId: '24534', promoCode: '84362' }),
  );
  await repository.saveMember(
    aMember({ email: 'sam@fabrikam.com', loyaltyId: '9001', status: 'suspended' }),
  );
  deps = testDeps({ repository });
});

const call = (spec: RequestSpec) =>
  invoke(makeEnrichToken(deps), { functionName: 'EnrichToken', ...spec });

const preToken = (extra: Record<string, unknown>) => ({
  step: 'PreTokenIssuance',
  client_id: '231c70e8-8424-48ac-9b5d-5623b9e4ccf3',
  ui_locales: 'en-US',
  ...extra,
});

describe('EnrichToken, user flow "Before sending the token"', () => {
  it('answers Continue with balance, loyalty ID and promo code for a member', async () => {
    const answer = await call({
      json: preToken({ objectId: EMILY, email: 'emily@outlook.com', displayName: 'Emily' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      extension_balance: '202.75',
      extension_loyaltyId: '24534',
      extension_promoCode: '84362',
    });
    expectUserFlowAnswer(answer);
  });

  it('accepts the other spelling of the step (PreTokenApplicationClaims) and clientId', async () => {
    const answer = await call({
      json: {
        step: 'PreTokenApplicationClaims',
        clientId: '231C70E8-8424-48ac-9b5d-5623b9e4ccf3',
        objectId: EMILY,
        email: 'emily@outlook.com',
      },
    });
    expect(answer.body.action).toBe('Continue');
    expect(answer.body.extension_balance).toBe('202.75');
    expect(deps.telemetry.events[0]?.properties).toMatchObject({
      step: 'PreTokenIssuance',
      clientId: '231c70e8-8424-48ac-9b5d-5623b9e4ccf3',
    });
  });

  it('registers a new user with the starting balance, as GetProfile does', async () => {
    const answer = await call({
      json: preToken({
        objectId: BRAND_NEW_USER,
        email: 'new@contoso.com',
      }),
    });
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      extension_balance: '50.00',
    });
    expect(await repository.getBalance(BRAND_NEW_USER)).toEqual(money('50.00'));
  });

  it('never returns the email, and no membership claims for a suspended member', async () => {
    const answer = await call({ json: preToken({ objectId: EMILY, email: 'sam@fabrikam.com' }) });
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      extension_balance: '202.75',
    });
    expect(answer.text).not.toContain('email');
  });

  it('with no objectId, still answers Continue with what it can', async () => {
    const answer = await call({ json: preToken({ email: 'emily@outlook.com' }) });
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      extension_loyaltyId: '24534',
      extension_promoCode: '84362',
    });
  });

  it('with neither objectId nor email, answers Continue with no claims', async () => {
    const answer = await call({ json: preToken({}) });
    expect(answer.body).toEqual({ version: '1.0.0', action: 'Continue' });
  });
});

describe('EnrichToken, custom policy', () => {
  it('answers the same claims flat', async () => {
    const answer = await call({ json: { objectId: EMILY, email: 'emily@outlook.com' } });
    expect(answer.body).toEqual({ balance: '202.75', loyaltyId: '24534', promoCode: '84362' });
    expectCustomPolicyAnswer(answer);
  });
});
