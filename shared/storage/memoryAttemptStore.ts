/** In-memory adapter of the attempt store, for unit tests; passes the same contract suite. */
import { normalizeEmail } from '../loyalty/email';
import type { AttemptRecord, AttemptStore, FailedAttempts } from '../loyalty/ports';

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
