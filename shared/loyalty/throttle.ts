/**
 * The guessing throttle. A failed validation is counted before it is answered: the count is
 * written with a conditional write (the version just read), so of any burst of concurrent wrong
 * guesses, on any number of instances, at most `maxFailures` are answered "not associated" and
 * every other one "too many attempts". The write that reaches the limit first marks the email's
 * memberships as throttled, so a right guess, which reads only its membership (one round trip),
 * is answered "too many attempts" too from the moment the last failure has landed.
 */
import { sleep, type Signal } from '../abort';
import type { AttemptStore, FailedAttempts, LoyaltyRepository } from './ports';

export interface ThrottlePolicy {
  readonly maxFailures: number;
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

export type FailureCount = 'counted' | 'throttled';

/** Whether the failures stored are of a window still open at `now`. */
export function windowOpen(
  attempts: FailedAttempts | undefined,
  now: Date,
  windowMs: number,
): attempts is FailedAttempts {
  return attempts !== undefined && now.getTime() < attempts.windowStart.getTime() + windowMs;
}

/**
 * Counts one failed validation for `email`: 'counted' when it was counted within the limit,
 * 'throttled' when the limit was reached (by this burst or before), or when contention on the
 * counter would outlast the budget.
 */
export async function countFailure(
  store: AttemptStore,
  members: Pick<LoyaltyRepository, 'markThrottled'>,
  email: string,
  policy: ThrottlePolicy,
  budget: Budget | undefined,
  random: () => number = Math.random,
): Promise<FailureCount> {
  const reserve = Math.max(MIN_RESERVE_MS, (budget?.remainingMs() ?? 0) * RESERVE_FRACTION);
  const options = { signal: budget?.signal };
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    const stored = await store.read(email, options);
    const open = windowOpen(stored.attempts, policy.now, policy.windowMs)
      ? stored.attempts
      : undefined;
    if (open !== undefined && open.count >= policy.maxFailures) return 'throttled';
    const next: FailedAttempts =
      open === undefined
        ? { count: 1, windowStart: policy.now }
        : { count: open.count + 1, windowStart: open.windowStart };
    if (next.count >= policy.maxFailures) {
      // Marked before the last failure is counted: no right guess read after it gets through.
      const until = new Date(next.windowStart.getTime() + policy.windowMs);
      await members.markThrottled(email, until, options);
    }
    if (await store.write(email, next, stored.version, options)) return 'counted';
    // Another instance counted first: back off (full jitter), then read and decide again.
    const pause = random() * Math.min(MAX_BACKOFF_MS, 8 * 2 ** attempt);
    if (budget !== undefined && budget.remainingMs() - pause < reserve) return 'throttled';
    await sleep(pause, budget?.signal);
  }
  return 'throttled';
}
