/**
 * Throttle rows do not pile up: `npm run loyalty -- prune-attempts` and the hourly PruneAttempts
 * timer remove the rows whose window has passed (reporting how many), and only those.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { InvocationContext, type TimerHandler } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { makePruneAttempts } from '../../functions/PruneAttempts';
import { runLoyaltyCli, type CliIo } from '../../scripts/loyalty';
import { MemoryAttemptStore } from '../support/memoryAttemptStore';
import { type AttemptStore } from '../../shared/loyalty/ports';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { TableAttemptStore } from '../../shared/storage/table/tableAttemptStore';
import { testDeps } from '../support/invoke';
import { azuriteConnectionString } from '../support/tables';

const NOW = new Date('2026-12-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

async function seed(store: AttemptStore): Promise<void> {
  for (let i = 0; i < 25; i += 1) {
    await store.write(
      `old${i}@contoso.com`,
      { count: 3, windowStart: minutesAgo(16 + i) },
      undefined,
    );
  }
  await store.write('open@contoso.com', { count: 2, windowStart: minutesAgo(14) }, undefined);
}

describe('npm run loyalty -- prune-attempts', () => {
  it('removes the rows whose window has passed, says how many, and keeps the open ones', async () => {
    const store = new TableAttemptStore({
      tables: azuriteConnectionString(),
      tableName: `Prune${randomBytes(4).toString('hex')}`,
    });
    await store.init();
    await seed(store);
    const out: string[] = [];
    const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(l) };
    const target = { store, windowMs: 15 * 60_000, now: () => NOW };
    const repository = new MemoryLoyaltyRepository();

    expect(await runLoyaltyCli(['prune-attempts'], repository, io, target)).toBe(0);
    expect(out).toEqual(['Removed 25 throttle rows whose window had passed.']);
    expect((await store.read('old0@contoso.com')).attempts).toBeUndefined();
    expect((await store.read('open@contoso.com')).attempts?.count).toBe(2);

    out.length = 0;
    expect(await runLoyaltyCli(['prune-attempts'], repository, io, target)).toBe(0);
    expect(out).toEqual(['Removed 0 throttle rows whose window had passed.']);
  });

  it('refuses an argument, as every command does', async () => {
    const err: string[] = [];
    const io: CliIo = { out: () => undefined, err: (l) => err.push(l) };
    const target = { store: new MemoryAttemptStore(), windowMs: 60_000 };
    expect(
      await runLoyaltyCli(['prune-attempts', 'now'], new MemoryLoyaltyRepository(), io, target),
    ).toBe(2);
    expect(err.join('\n')).toContain('prune-attempts takes no argument');
  });
});

describe('the PruneAttempts timer function', () => {
  it('prunes with FAILED_VALIDATION_WINDOW_MINUTES and logs how many', async () => {
    const attempts = new MemoryAttemptStore();
    await seed(attempts);
    const deps = testDeps({ attempts, clock: () => NOW });
    const logs: string[] = [];
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: 'PruneAttempts',
      logHandler: (_level, ...args) => logs.push(args.map(String).join(' ')),
    });
    const timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: {} };
    await makePruneAttempts(deps)(timer as Parameters<TimerHandler>[0], context);
    expect(logs.join('\n')).toContain('removed 25 throttle rows whose window had passed');
    expect((await attempts.read('open@contoso.com')).attempts?.count).toBe(2);
  });
});
