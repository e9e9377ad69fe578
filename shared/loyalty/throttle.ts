/**
 * The guessing throttle. Every wrong pair is counted before it is answered, on one counter per
 * email and, when the call carries the user's IP address, on one per email and address too:
 * MAX_FAILED_VALIDATIONS per email and address (so a stranger cannot lock a victim out from
 * elsewhere), MAX_FAILED_VALIDATIONS_PER_EMAIL for all addresses together; without an address
 * (user flows send none) MAX_FAILED_VALIDATIONS per email. Each count is a conditional write
 * (the version just read), so of any burst of concurrent wrong guesses, on any number of
 * instances, no counter lets more than its limit through.
 *
 * A right pair costs one point read, as long as its membership carries no mark. The write that
 * brings a counter to a limit first marks the email's memberships; a marked right pair then reads
 * the same counters a wrong pair reads, so a throttled caller gets the same answer after the
 * same storage calls whichever pair it sent. A counter that cannot be read or written trips a
 * short breaker (CounterBreaker): every pair, right or wrong, gets the degraded answer until a
 * counter call has succeeded again, so a storage fault never opens the door to guessing.
 */
import { sleep, type Signal } from '../abort';
import {
  StorageUnavailableError,
  type AttemptKey,
  type AttemptRecord,
  type AttemptStore,
  type CallOptions,
  type FailedAttempts,
  type ThrottleMarks,
} from './ports';

export interface ThrottlePolicy {
  /** Failures per email and address, or per email for a call without an address. */
  readonly maxFailures: number;
  /** Failures per email from all addresses together (calls with an address). */
  readonly maxFailuresPerEmail: number;
  readonly windowMs: number;
  readonly now: Date;
}

/** The request's budget as the throttle sees it: when to stop retrying a contended write. */
export interface Budget {
  readonly signal: Signal;
  remainingMs(): number;
}

/** Longest pause between two tries of a contended counter write. */
const MAX_BACKOFF_MS = 100;
/** Contention never spends the last part of the budget: that is the answer's. */
const RESERVE_FRACTION = 0.25;
const MIN_RESERVE_MS = 150;
/** Without a budget (a tool), contention still ends: after this many tries. */
const MAX_TRIES = 50;
/** How long a counter failure answers every check degraded before the counter is tried again. */
export const BREAKER_OPEN_MS = 5_000;

export type FailureCount = 'counted' | 'throttled';

/** One counter a wrong pair is counted on, and the count at which it throttles. */
export interface Counter {
  readonly key: AttemptKey;
  readonly limit: number;
}

/** The counters of a call: the address's first (a throttled address spends no email budget). */
export function countersOf(
  email: string,
  address: string | undefined,
  policy: ThrottlePolicy,
): Counter[] {
  if (address === undefined) return [{ key: email, limit: policy.maxFailures }];
  return [
    { key: { email, address }, limit: policy.maxFailures },
    { key: email, limit: policy.maxFailuresPerEmail },
  ];
}

/** Whether the failures stored are of a window still open at `now`. */
export function windowOpen(
  attempts: FailedAttempts | undefined,
  now: Date,
  windowMs: number,
): attempts is FailedAttempts {
  return attempts !== undefined && now.getTime() < attempts.windowStart.getTime() + windowMs;
}

function atLimit(record: AttemptRecord, counter: Counter, policy: ThrottlePolicy): boolean {
  return (
    windowOpen(record.attempts, policy.now, policy.windowMs) &&
    record.attempts.count >= counter.limit
  );
}

/** Per process: trips on a counter failure, closes on the next counter call that succeeds. */
export class CounterBreaker {
  private openUntil = 0;
  private failed = false;

  /** True for a short while after a counter failure: checks are answered without a call. */
  isOpen(now: Date): boolean {
    return now.getTime() < this.openUntil;
  }

  /** True from a counter failure until a counter call succeeds: every pair reads the counters. */
  get probing(): boolean {
    return this.failed;
  }

  /**
   * Runs a counter call: a failure trips the breaker (and is thrown), a success closes it. A
   * call cut short by its own request's deadline (`signal`) says nothing of the counter: it is
   * thrown without tripping.
   */
  async guard<T>(now: Date, signal: Signal | undefined, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.failed = false;
      return result;
    } catch (error) {
      if (signal?.aborted !== true) {
        this.failed = true;
        this.openUntil = now.getTime() + BREAKER_OPEN_MS;
      }
      throw error;
    }
  }

  /** Throws the degraded answer's error while the breaker is open. */
  refuseWhileOpen(now: Date): void {
    if (this.isOpen(now)) {
      throw new StorageUnavailableError(
        'the guessing throttle could not count a moment ago: no pair is checked until it can',
      );
    }
  }
}

/** What a call's counters hold now: the records to count on, or throttled. */
export type CounterReading =
  | { readonly throttled: true }
  | { readonly throttled: false; readonly records: readonly AttemptRecord[] };

/** Reads every counter of a call at once (the same calls for a right pair and a wrong one). */
export async function readCounters(
  store: AttemptStore,
  counters: readonly Counter[],
  policy: ThrottlePolicy,
  options: CallOptions,
): Promise<CounterReading> {
  const records = await Promise.all(counters.map((c) => store.read(c.key, options)));
  const throttled = counters.some((c, i) => atLimit(records[i] as AttemptRecord, c, policy));
  return throttled ? { throttled } : { throttled, records };
}

/**
 * Counts one failed validation on every counter, in order, each from the record already read:
 * 'counted' when each counted it within its limit, 'throttled' when one had reached its limit
 * (by this burst or before), or when contention on a counter would outlast the budget.
 */
export async function countFailure(
  store: AttemptStore,
  members: ThrottleMarks,
  email: string,
  counted: { readonly counters: readonly Counter[]; readonly records: readonly AttemptRecord[] },
  policy: ThrottlePolicy,
  budget: Budget | undefined,
  random: () => number = Math.random,
): Promise<FailureCount> {
  for (const [i, counter] of counted.counters.entries()) {
    const first = counted.records[i] ?? (await store.read(counter.key, { signal: budget?.signal }));
    const result = await countOne(store, members, email, counter, first, policy, budget, random);
    if (result === 'throttled') return result;
  }
  return 'counted';
}

async function countOne(
  store: AttemptStore,
  members: ThrottleMarks,
  email: string,
  counter: Counter,
  first: AttemptRecord,
  policy: ThrottlePolicy,
  budget: Budget | undefined,
  random: () => number,
): Promise<FailureCount> {
  const reserve = Math.max(MIN_RESERVE_MS, (budget?.remainingMs() ?? 0) * RESERVE_FRACTION);
  const options = { signal: budget?.signal };
  // The mark makes right pairs read the counters: set where the lowest limit is reached.
  const markAt = Math.min(counter.limit, policy.maxFailures);
  let stored = first;
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    if (attempt > 0) stored = await store.read(counter.key, options);
    if (atLimit(stored, counter, policy)) return 'throttled';
    const open = windowOpen(stored.attempts, policy.now, policy.windowMs)
      ? stored.attempts
      : undefined;
    const next: FailedAttempts =
      open === undefined
        ? { count: 1, windowStart: policy.now }
        : { count: open.count + 1, windowStart: open.windowStart };
    if (next.count === markAt) {
      // Marked before the failure is counted: no right pair read after it skips the counters.
      // Until the end of any window open now, so a later mark never shortens an earlier one.
      const until = new Date(policy.now.getTime() + policy.windowMs);
      await members.markThrottled(email, until, options);
    }
    if (await store.write(counter.key, next, stored.version, options)) return 'counted';
    // Another instance counted first: back off (full jitter), then read and decide again.
    const pause = random() * Math.min(MAX_BACKOFF_MS, 8 * 2 ** attempt);
    if (budget !== undefined && budget.remainingMs() - pause < reserve) return 'throttled';
    await sleep(pause, budget?.signal);
  }
  return 'throttled';
}
