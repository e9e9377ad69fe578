/**
 * The throttle under parallel guesses: 50 concurrent wrong loyalty IDs and the right one for one
 * email, spread over two app instances sharing the tables, MAX_FAILED_VALIDATIONS=3. At most
 * 3 + 1 answers are anything but "too many attempts", every "not associated" answer is a counted
 * failure, and contention never turns into an "unavailable" answer.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryAttemptStore } from '../support/memoryAttemptStore';
import { type AttemptStore } from '../../shared/loyalty/ports';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import type { MemberAdmin } from '../../shared/loyalty/admin';
import { TableAttemptStore } from '../../shared/storage/table/tableAttemptStore';
import { aMember } from '../support/builders';
import { expectCustomPolicyAnswer } from '../support/contract';
import { invoke, testDeps, type Answer } from '../support/invoke';
import { azuriteConnectionString, tableRepository } from '../support/tables';

const EMAIL = 'burst.target@contoso.com';
const MAX = 3;

interface Instance {
  readonly repository: MemberAdmin;
  readonly attempts: AttemptStore;
}

async function burst(instances: readonly [Instance, Instance]): Promise<{
  answers: Answer[];
  right: Answer;
  stored: number | undefined;
}> {
  const handlers = instances.map((parts) =>
    makeValidateProfile(testDeps({ ...parts, env: { MAX_FAILED_VALIDATIONS: String(MAX) } })),
  );
  const guess = (i: number, loyaltyId: string) =>
    invoke(handlers[i % 2] as (typeof handlers)[number], {
      json: { email: EMAIL, loyaltyId },
    });
  const wrong = Array.from({ length: 50 }, (_, i) => guess(i, `WRONG-${i}`));
  const answers = await Promise.all([...wrong.slice(0, 25), guess(1, '5678'), ...wrong.slice(25)]);
  const right = answers[25] as Answer;
  const stored = (await instances[0].attempts.read(EMAIL)).attempts?.count;
  return { answers, right, stored };
}

function expectThrottleHeld(result: Awaited<ReturnType<typeof burst>>): void {
  const codes = result.answers.map((a) => (a.status === 200 ? 'promo' : a.body.code));
  for (const answer of result.answers) expectCustomPolicyAnswer(answer);
  // Contention on the counter never becomes an "unavailable" (or budget) answer.
  expect(codes).not.toContain('Unavailable');
  expect(new Set(codes)).toEqual(
    new Set(codes.filter((c) => ['promo', 'NotAssociated', 'TooManyAttempts'].includes(c))),
  );
  const distinguishing = codes.filter((c) => c !== 'TooManyAttempts');
  expect(distinguishing.length).toBeLessThanOrEqual(MAX + 1);
  // Every "not associated" answer is a failure counted in storage, and no more than the limit.
  const notAssociated = codes.filter((c) => c === 'NotAssociated').length;
  expect(notAssociated).toBeLessThanOrEqual(MAX);
  expect(result.stored).toBe(notAssociated);
  expect(result.answers.flatMap((a) => a.logs).map((l) => l.message)).not.toContainEqual(
    expect.stringContaining('REQUEST_BUDGET_MS'),
  );
}

async function rightGuessAfterwards(instance: Instance): Promise<Answer> {
  const handler = makeValidateProfile(
    testDeps({ ...instance, env: { MAX_FAILED_VALIDATIONS: String(MAX) } }),
  );
  return invoke(handler, { json: { email: EMAIL, loyaltyId: '5678' } });
}

describe('50 concurrent wrong guesses and the right one, over two instances', () => {
  it('against Table Storage (Azurite): at most MAX_FAILED_VALIDATIONS + 1 distinguishing answers', async () => {
    const tables = { loyaltyTableName: `Burst${randomBytes(4).toString('hex')}` };
    const attemptsTable = `BurstAttempts${randomBytes(4).toString('hex')}`;
    const instance = (): Instance => {
      const attempts = new TableAttemptStore({
        tables: azuriteConnectionString(),
        tableName: attemptsTable,
      });
      return { repository: tableRepository('Burst', tables), attempts };
    };
    const first = instance();
    const second = instance();
    await Promise.all([first.repository.init(), first.attempts.init()]);
    await first.repository.saveMember(
      aMember({ email: EMAIL, loyaltyId: '5678', promoCode: 'SPRING24' }),
    );

    const result = await burst([first, second]);
    expectThrottleHeld(result);
    expect(result.stored).toBe(MAX);

    const after = await rightGuessAfterwards(second);
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('TooManyAttempts');
  });

  it('through the in-memory adapters: the same', async () => {
    const repository = new MemoryLoyaltyRepository();
    const attempts = new MemoryAttemptStore();
    await repository.saveMember(
      aMember({ email: EMAIL, loyaltyId: '5678', promoCode: 'SPRING24' }),
    );
    const result = await burst([
      { repository, attempts },
      { repository, attempts },
    ]);
    expectThrottleHeld(result);
    expect(result.stored).toBe(MAX);
    expect((await rightGuessAfterwards({ repository, attempts })).body.code).toBe(
      'TooManyAttempts',
    );
  });
});
