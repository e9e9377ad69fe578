import { beforeEach, describe, expect, it } from 'vitest';
import { makeGetProfile } from '../../functions/GetProfile';
import { formatMoney } from '../../shared/loyalty/money';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { money } from '../support/builders';
import { expectCustomPolicyAnswer, expectUserFlowAnswer } from '../support/contract';
import { invoke, testDeps, type RequestSpec, type TestDeps } from '../support/invoke';

/** Users by objectId: a GUID, as B2C and Entra send it. */
const NEW_USER = '9b45b481-b6f3-4d01-8149-4e33c3d877e2';
const RICH_USER = '5b2298b0-ddb8-42b9-81a3-b844862741d3';
const RETRY_USER = 'f938ae32-3abe-471b-8378-24c815b47861';

const KNOWN = '11111111-0000-0000-0000-000000000000';
let repository: MemoryLoyaltyRepository;
let deps: TestDeps;

beforeEach(async () => {
  repository = new MemoryLoyaltyRepository();
  await repository.setBalance(KNOWN, money('760.50'));
  deps = testDeps({ repository });
});

const call = (spec: RequestSpec, d: TestDeps = deps) =>
  invoke(makeGetProfile(d), { functionName: 'GetProfile', ...spec });

describe('GetProfile, custom policy (orchestration step)', () => {
  it('for a known user, answers 200 with the balance as a string with two decimals', async () => {
    const answer = await call({ json: { objectId: KNOWN, lang: '1033' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ balance: '760.50' });
    expectCustomPolicyAnswer(answer);
  });

  it('registers an unknown user with the starting balance 50.00 and answers it', async () => {
    const answer = await call({
      json: { objectId: NEW_USER, lang: '1033' },
    });
    expect(answer.body).toEqual({ balance: '50.00' });
    const stored = await repository.getBalance(NEW_USER);
    expect(stored && formatMoney(stored)).toBe('50.00');
    expect(deps.telemetry.events[0]?.properties.outcome).toBe('registered');
  });

  it('uses STARTING_BALANCE for new users', async () => {
    const answer = await call(
      { json: { objectId: RICH_USER } },
      testDeps({ repository, env: { STARTING_BALANCE: '100.5' } }),
    );
    expect(answer.body).toEqual({ balance: '100.50' });
  });

  it("answers B2C's retry with the same balance and no second registration", async () => {
    const first = await call({ json: { objectId: RETRY_USER } });
    await repository.setBalance('other', money('1'));
    const retry = await call({ json: { objectId: RETRY_USER } });
    expect(retry.body).toEqual(first.body);
    expect(deps.telemetry.events.map((e) => e.properties.outcome)).toEqual([
      'registered',
      'existing',
    ]);
  });

  it('with no objectId, answers 400 in the error shape', async () => {
    const answer = await call({ json: { lang: '1033' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'MissingClaim' });
    expect(answer.body.developerMessage).toContain("'objectId'");
    expectCustomPolicyAnswer(answer);
  });

  it('reads the objectId from the query string', async () => {
    const answer = await call({ method: 'GET', query: { objectId: KNOWN } });
    expect(answer.body).toEqual({ balance: '760.50' });
  });
});

describe('GetProfile, user flow', () => {
  it('answers Continue with extension_balance', async () => {
    const answer = await call({
      json: { step: 'PreTokenIssuance', objectId: KNOWN, client_id: 'c' },
    });
    expect(answer.body).toEqual({
      version: '1.0.0',
      action: 'Continue',
      extension_balance: '760.50',
    });
    expectUserFlowAnswer(answer);
  });

  it('with no objectId, still answers Continue', async () => {
    const answer = await call({ json: { step: 'PreTokenIssuance' } });
    expect(answer.body).toEqual({ version: '1.0.0', action: 'Continue' });
  });
});
