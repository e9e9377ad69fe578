/**
 * Table Storage adapter of the attempt store: one row per email (PartitionKey = key(email)),
 * updated with optimistic concurrency (ETag), so concurrent failures on several instances are
 * all counted.
 */
import type { TableClient, TableServiceClientOptions } from '@azure/data-tables';
import { normalizeEmail } from '../loyalty/email';
import {
  windowOpen,
  type AttemptsSnapshot,
  type AttemptStore,
  type FailedAttempts,
} from './attempts';
import { createTableClient } from './connection';
import { encodeKey } from './keys';
import { StorageUnavailableError } from './repository';
import {
  isTableNotFound,
  RETRY_OPTIONS,
  statusOf,
  tableCall,
  type StorageObserver,
  type TableCallOptions,
} from './tableCall';

/** What `current` read: the row and its ETag, or undefined when there was none. */
interface Seen {
  readonly row: { attempts: FailedAttempts; etag: string } | undefined;
}

interface AttemptEntity {
  count: number;
  windowStart: string;
}

const ROW = 'attempts';
const MAX_TRIES = 25;

export interface TableAttemptStoreOptions {
  readonly connectionString: string;
  readonly tableName: string;
  readonly timeoutMs?: number;
  readonly clientOptions?: TableServiceClientOptions;
  readonly observer?: StorageObserver;
}

export class TableAttemptStore implements AttemptStore {
  private readonly table: TableClient;
  private readonly calls: TableCallOptions;
  private ready: Promise<void> | undefined;

  constructor(options: TableAttemptStoreOptions) {
    this.table = createTableClient(options.connectionString, options.tableName, {
      retryOptions: RETRY_OPTIONS,
      ...options.clientOptions,
    });
    this.calls = { timeoutMs: options.timeoutMs ?? 1500, observer: options.observer };
  }

  init(): Promise<void> {
    this.ready ??= tableCall('createTable', this.table, this.calls, (abortSignal) =>
      this.table.createTable({ abortSignal }),
    ).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async current(email: string, now: Date, windowMs: number): Promise<AttemptsSnapshot> {
    const found = await this.read(encodeKey(normalizeEmail(email)));
    const attempts = found?.attempts;
    const seen: Seen = { row: found };
    return { failures: windowOpen(attempts, now, windowMs) ? attempts : undefined, seen };
  }

  async recordFailure(
    email: string,
    now: Date,
    windowMs: number,
    snapshot?: AttemptsSnapshot,
  ): Promise<FailedAttempts> {
    const partitionKey = encodeKey(normalizeEmail(email));
    const known = (snapshot?.seen as Seen | undefined)?.row;
    let fresh = snapshot?.seen !== undefined;
    for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
      const found = fresh ? known : await this.read(partitionKey);
      fresh = false;
      const next: FailedAttempts =
        found !== undefined && windowOpen(found.attempts, now, windowMs)
          ? { count: found.attempts.count + 1, windowStart: found.attempts.windowStart }
          : { count: 1, windowStart: now };
      const entity = {
        partitionKey,
        rowKey: ROW,
        count: next.count,
        windowStart: next.windowStart.toISOString(),
      };
      try {
        await tableCall('write', this.table, this.calls, (abortSignal) =>
          found === undefined
            ? this.table.createEntity(entity, { abortSignal })
            : this.table.updateEntity(entity, 'Replace', { etag: found.etag, abortSignal }),
        );
        return next;
      } catch (error) {
        // Another instance wrote first (409 on insert, 412 on a stale ETag): read and count again.
        const status = statusOf(error);
        if (status !== 409 && status !== 412) throw error;
      }
    }
    throw new StorageUnavailableError('Table Storage write kept conflicting (failed validations)');
  }

  private async read(
    partitionKey: string,
  ): Promise<{ attempts: FailedAttempts; etag: string } | undefined> {
    await this.init();
    try {
      const entity = await tableCall('read', this.table, this.calls, (abortSignal) =>
        this.table.getEntity<AttemptEntity>(partitionKey, ROW, { abortSignal }),
      );
      return {
        attempts: { count: Number(entity.count), windowStart: new Date(entity.windowStart) },
        etag: entity.etag,
      };
    } catch (error) {
      if (isTableNotFound(error)) {
        this.ready = undefined;
        await this.init();
        return undefined;
      }
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }
}
