/** In-memory adapter of the attempt store, for unit tests; passes the same contract suite. */
import { normalizeEmail } from '../../shared/loyalty/email';
import {
  attemptKeyParts,
  type AttemptKey,
  type AttemptRecord,
  type AttemptStore,
  type FailedAttempts,
} from '../../shared/loyalty/ports';

interface Row {
  readonly email: string;
  readonly attempts: FailedAttempts;
  readonly version: number;
}

function rowKey(key: AttemptKey): string {
  const { email, address } = attemptKeyParts(key);
  return `${normalizeEmail(email)}\n${address ?? ''}`;
}

export class MemoryAttemptStore implements AttemptStore {
  private readonly rows = new Map<string, Row>();

  async init(): Promise<void> {}

  async read(key: AttemptKey): Promise<AttemptRecord> {
    const row = this.rows.get(rowKey(key));
    return row === undefined
      ? { attempts: undefined, version: undefined }
      : { attempts: row.attempts, version: String(row.version) };
  }

  async write(
    key: AttemptKey,
    next: FailedAttempts,
    version: string | undefined,
  ): Promise<boolean> {
    // A turn of the event loop between read and write, as a real store has: concurrent callers
    // interleave here exactly where they would against Table Storage.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const id = rowKey(key);
    const row = this.rows.get(id);
    if ((row === undefined ? undefined : String(row.version)) !== version) return false;
    const email = normalizeEmail(attemptKeyParts(key).email);
    this.rows.set(id, { email, attempts: next, version: (row?.version ?? 0) + 1 });
    return true;
  }

  async prune(before: Date): Promise<number> {
    return this.removeWhere((row) => row.attempts.windowStart < before);
  }

  async reset(email: string): Promise<number> {
    const normalized = normalizeEmail(email);
    return this.removeWhere((row) => row.email === normalized);
  }

  private removeWhere(match: (row: Row) => boolean): number {
    let removed = 0;
    for (const [id, row] of this.rows) {
      if (match(row)) {
        this.rows.delete(id);
        removed += 1;
      }
    }
    return removed;
  }
}
