/**
 * Failed loyalty-ID validations per email, so guessing can be throttled across instances.
 * A window opens at the first failure; it holds `count` failures until it has passed.
 */
import { normalizeEmail } from '../loyalty/email';

export interface FailedAttempts {
  readonly count: number;
  readonly windowStart: Date;
}

export interface AttemptsSnapshot {
  /** The failures of the open window, or undefined when none (or the window has passed). */
  readonly failures: FailedAttempts | undefined;
  /** What the store read (opaque): lets recordFailure write without reading again. */
  readonly seen?: unknown;
}

export interface AttemptStore {
  init(): Promise<void>;
  current(email: string, now: Date, windowMs: number): Promise<AttemptsSnapshot>;
  /**
   * Counts one failure: a new window when none is open. Safe under concurrent calls. Given the
   * snapshot `current` just returned, it writes at once and reads again only on a conflict.
   */
  recordFailure(
    email: string,
    now: Date,
    windowMs: number,
    snapshot?: AttemptsSnapshot,
  ): Promise<FailedAttempts>;
}

export function windowOpen(
  attempts: FailedAttempts | undefined,
  now: Date,
  windowMs: number,
): boolean {
  return attempts !== undefined && now.getTime() < attempts.windowStart.getTime() + windowMs;
}

/** In-memory adapter, for unit tests; passes the same contract suite as the Table one. */
export class MemoryAttemptStore implements AttemptStore {
  private readonly attempts = new Map<string, FailedAttempts>();

  async init(): Promise<void> {}

  async current(email: string, now: Date, windowMs: number): Promise<AttemptsSnapshot> {
    const found = this.attempts.get(normalizeEmail(email));
    return { failures: windowOpen(found, now, windowMs) ? found : undefined };
  }

  async recordFailure(email: string, now: Date, windowMs: number): Promise<FailedAttempts> {
    const key = normalizeEmail(email);
    const found = this.attempts.get(key);
    const next =
      found !== undefined && windowOpen(found, now, windowMs)
        ? { count: found.count + 1, windowStart: found.windowStart }
        : { count: 1, windowStart: now };
    this.attempts.set(key, next);
    return next;
  }
}
