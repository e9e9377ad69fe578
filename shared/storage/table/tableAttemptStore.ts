/**
 * Table Storage adapter of the attempt store: one partition per email (PartitionKey =
 * key(email)), its own counter in RowKey "attempts" and one per address in RowKey
 * "ip-<address hash>" (never the address itself), each written only on the version read (ETag),
 * so concurrent failures on several instances are each counted once. `prune` removes the rows
 * whose window has long passed; `reset` every row of one email.
 */
import { odata, type TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { normalizeEmail } from '../../loyalty/email';
import {
  attemptKeyParts,
  type AttemptKey,
  type AttemptRecord,
  type AttemptStore,
  type CallOptions,
  type FailedAttempts,
} from '../../loyalty/ports';
import { createTableClient, type TablesTarget } from './connection';
import { encodeKey } from './keys';
import { attemptsFromRow } from './rows';
import { EnsuredTables } from './tables';
import { TaskPool } from '../taskPool';
import {
  isTableNotFound,
  RETRY_OPTIONS,
  statusOf,
  tableCall,
  type StorageObserver,
  type TableCallOptions,
} from './tableCall';

const ROW = 'attempts';
/** Deletes in flight at once while pruning. */
const PRUNE_CONCURRENCY = 16;

/** The row of a counter: the email's partition, and the row of the address (or the email's). */
function rowOf(key: AttemptKey): { partitionKey: string; rowKey: string } {
  const { email, address } = attemptKeyParts(key);
  return {
    partitionKey: encodeKey(normalizeEmail(email)),
    rowKey: address === undefined ? ROW : `ip-${address}`,
  };
}

interface AttemptEntity {
  count: number;
  windowStart: string;
}

export interface TableAttemptStoreOptions {
  /** A connection string, or a service URL with a token credential (connection.ts). */
  readonly tables: TablesTarget | string;
  readonly tableName: string;
  readonly timeoutMs?: number;
  readonly clientOptions?: TableServiceClientOptions;
  readonly observer?: StorageObserver;
}

export class TableAttemptStore implements AttemptStore {
  private readonly table: TableClient;
  private readonly calls: TableCallOptions;
  private readonly tables: EnsuredTables;

  constructor(options: TableAttemptStoreOptions) {
    this.table = createTableClient(options.tables, options.tableName, {
      retryOptions: RETRY_OPTIONS,
      ...options.clientOptions,
    });
    this.calls = { timeoutMs: options.timeoutMs ?? 1500, observer: options.observer };
    this.tables = new EnsuredTables([this.table], this.calls);
  }

  init(options: CallOptions = {}): Promise<void> {
    return this.tables.ensure(options.signal);
  }

  async read(key: AttemptKey, options: CallOptions = {}): Promise<AttemptRecord> {
    const { partitionKey, rowKey } = rowOf(key);
    try {
      const entity = await this.call('read', options, (abortSignal) =>
        this.table.getEntity<AttemptEntity>(partitionKey, rowKey, { abortSignal }),
      );
      return { attempts: attemptsFromRow(entity, this.table.tableName), version: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return { attempts: undefined, version: undefined };
      throw error;
    }
  }

  async write(
    key: AttemptKey,
    next: FailedAttempts,
    version: string | undefined,
    options: CallOptions = {},
  ): Promise<boolean> {
    const entity = {
      ...rowOf(key),
      count: next.count,
      windowStart: next.windowStart.toISOString(),
    };
    try {
      await this.call('write', options, (abortSignal) =>
        version === undefined
          ? this.table.createEntity(entity, { abortSignal })
          : this.table.updateEntity(entity, 'Replace', { etag: version, abortSignal }),
      );
      return true;
    } catch (error) {
      // Another instance wrote first: 409 on insert, 412 on a stale ETag (404: it was pruned).
      const status = statusOf(error);
      if (status === 409 || status === 412 || (status === 404 && !isTableNotFound(error))) {
        return false;
      }
      throw error;
    }
  }

  prune(before: Date, options: CallOptions = {}): Promise<number> {
    // ISO 8601 text in UTC sorts as the instants do.
    return this.removeAll(odata`windowStart lt ${before.toISOString()}`, options);
  }

  reset(email: string, options: CallOptions = {}): Promise<number> {
    return this.removeAll(odata`PartitionKey eq ${rowOf(email).partitionKey}`, options);
  }

  /**
   * A page at a time (each page its own call under the storage timeout), each row deleted on the
   * version listed: a row counted again meanwhile (412) or already gone (404) is left.
   */
  private async removeAll(filter: string, options: CallOptions): Promise<number> {
    let removed = 0;
    let continuationToken: string | undefined;
    do {
      const page = await this.call('query', options, async (abortSignal) => {
        const pages = this.table
          .listEntities<AttemptEntity>({
            queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'windowStart'] },
            abortSignal,
          })
          .byPage({ maxPageSize: 1000, continuationToken });
        const first = await pages.next();
        return first.done === true ? undefined : first.value;
      });
      continuationToken = page?.continuationToken;
      const pool = new TaskPool(PRUNE_CONCURRENCY);
      for (const row of page ?? []) {
        await pool.run(async () => {
          const keys = { partitionKey: row.partitionKey ?? '', rowKey: row.rowKey ?? ROW };
          if (await this.remove(keys, row.etag, options)) removed += 1;
        });
      }
      await pool.drain();
    } while (continuationToken !== undefined);
    return removed;
  }

  private async remove(
    keys: { partitionKey: string; rowKey: string },
    etag: string,
    options: CallOptions,
  ): Promise<boolean> {
    try {
      await tableCall(
        'delete',
        this.table,
        this.calls,
        (abortSignal) =>
          this.table.deleteEntity(keys.partitionKey, keys.rowKey, { etag, abortSignal }),
        options.signal,
      );
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return false;
      throw error;
    }
  }

  /**
   * One SDK call on the table, under the storage timeout and the request's deadline; a missing
   * table (deleted, or never created) is created once, then the call runs again.
   */
  private call<T>(
    operation: string,
    options: CallOptions,
    run: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    return this.tables.run(options.signal, () =>
      tableCall(operation, this.table, this.calls, run, options.signal),
    );
  }
}
