/**
 * Failed loyalty-ID validations per email, so guessing can be throttled across instances: the
 * port the throttle (shared/loyalty/throttle.ts) counts through, and its in-memory adapter. A
 * window opens at the first failure; it holds `count` failures until it has passed.
 */
import { normalizeEmail } from '../loyalty/email';
import type { CallOptions } from './repository';

export interface FailedAttempts {
  readonly count: number;
  readonly windowStart: Date;
}

/** What is stored for one email, and the version a conditional write must name. */
export interface AttemptRecord {
  /** As stored, its window possibly passed; undefined when there is no row. */
  readonly attempts: FailedAttempts | undefined;
  /** Opaque version of the row (an ETag), or undefined when there is no row. */
  readonly version: string | undefined;
}

export interface AttemptStore {
  /** Creates the table when missing. Idempotent. */
  init(options?: CallOptions): Promise<void>;
  read(email: string, options?: CallOptions): Promise<AttemptRecord>;
  /**
   * Writes `next` only if the row is still at `version` (undefined: only if there is none).
   * False when another writer got there first: read again and decide again.
   */
  write(
    email: string,
    next: FailedAttempts,
    version: string | undefined,
    options?: CallOptions,
  ): Promise<boolean>;
  /** Removes the rows whose window started before `before`; returns how many. */
  prune(before: Date, options?: CallOptions): Promise<number>;
}

export function windowOpen(
  attempts: FailedAttempts | undefined,
  now: Date,
  windowMs: number,
): attempts is FailedAttempts {
  return attempts !== undefined && now.getTime() < attempts.windowStart.getTime() + windowMs;
}

/** In-memory adapter, for unit tests; passes the same contract suite as the Table one. */
export class MemoryAttemptStore implements AttemptStore {
  private readonly rows = new Map<string, { attempts: FailedAttempts; version: number }>();

  async init(): Promise<void> {}

  async read(email: string): Promise<AttemptRecord> {
    const row = this.rows.get(normalizeEmail(email));
    return row === undefined
      ? { attempts: undefined, version: undefined }
      : { attempts: row.attempts, version: String(row.version) };
  }

  async write(email: string, next: FailedAttempts, version: string | undefined): Promise<boolean> {
    // A turn of the event loop between read and write, as a real store has: concurrent callers
    // interleave here exactly where they would against Table Storage.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const key = normalizeEmail(email);
    const row = this.rows.get(key);
    if ((row === undefined ? undefined : String(row.version)) !== version) return false;
    this.rows.set(key, { attempts: next, version: (row?.version ?? 0) + 1 });
    return true;
  }

  async prune(before: Date): Promise<number> {
    let removed = 0;
    for (const [key, row] of this.rows) {
      if (row.attempts.windowStart < before) {
        this.rows.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}
