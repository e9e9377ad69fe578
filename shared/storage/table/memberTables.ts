/**
 * The two tables of the loyalty data (members, balances) and the calls both Table adapters make
 * on them: point reads, an email's row range, one SDK call under the shared wrapper, and the
 * table made sure of when missing. The serving repository (tableRepository.ts) and the admin
 * adapter (tableAdmin.ts) each hold one and use only what it offers publicly, so neither reaches
 * into the other.
 */
import type { Signal } from '../../abort';
import {
  odata,
  type TableClient,
  type TableEntityResult,
  type TableServiceClientOptions,
} from '@azure/data-tables';
import { normalizeEmail } from '../../loyalty/email';
import type { Money } from '../../loyalty/money';
import type { CallOptions, FoundMember } from '../../loyalty/ports';
import { createTableClient, type TablesTarget } from './connection';
import { emailRowRange, memberPartition } from './keys';
import { balanceFromRow, memberFromRow, type BalanceEntity, type MemberEntity } from './rows';
import { EnsuredTables } from './tables';
import {
  isTableNotFound,
  RETRY_OPTIONS,
  statusOf,
  tableCall,
  type StorageObserver,
  type TableCallOptions,
} from './tableCall';

export interface TableRepositoryOptions {
  /** A connection string, or a service URL with a token credential (connection.ts). */
  readonly tables: TablesTarget | string;
  readonly loyaltyTableName: string;
  readonly balancesTableName: string;
  /** Upper bound of one storage call, including the SDK's own retries. */
  readonly timeoutMs?: number;
  /** SDK client options: retry tuning, or a fake `httpClient` in failure tests. */
  readonly clientOptions?: TableServiceClientOptions;
  /** Told of every storage call (telemetry dependencies). */
  readonly observer?: StorageObserver;
}

export class MemberTables {
  readonly members: TableClient;
  readonly balances: TableClient;
  readonly #calls: TableCallOptions;
  readonly #tables: EnsuredTables;

  constructor(options: TableRepositoryOptions) {
    const clientOptions: TableServiceClientOptions = {
      retryOptions: RETRY_OPTIONS,
      ...options.clientOptions,
    };
    this.members = createTableClient(options.tables, options.loyaltyTableName, clientOptions);
    this.balances = createTableClient(options.tables, options.balancesTableName, clientOptions);
    this.#calls = { timeoutMs: options.timeoutMs ?? 1500, observer: options.observer };
    this.#tables = new EnsuredTables([this.members, this.balances], this.#calls);
  }

  /** Creates both tables when missing (once, and again after a failure). */
  ensure(signal?: Signal): Promise<void> {
    return this.#tables.ensure(signal);
  }

  /** The rows of one email's memberships: one range of one partition. */
  emailRows(email: string, options: CallOptions): Promise<TableEntityResult<MemberEntity>[]> {
    const normalized = normalizeEmail(email);
    const partitionKey = memberPartition(normalized);
    const { from, to } = emailRowRange(normalized);
    return this.withTable(options, () =>
      this.call(
        'query',
        this.members,
        async (abortSignal) => {
          const found: TableEntityResult<MemberEntity>[] = [];
          const pages = this.members.listEntities<MemberEntity>({
            queryOptions: {
              filter: odata`PartitionKey eq ${partitionKey} and RowKey ge ${from} and RowKey lt ${to}`,
            },
            abortSignal,
          });
          for await (const entity of pages) found.push(entity);
          return found;
        },
        options.signal,
      ),
    );
  }

  /** Point read: undefined on 404 (no such entity). */
  async read<T extends object = MemberEntity>(
    table: TableClient,
    partitionKey: string,
    rowKey: string,
    options: CallOptions = {},
  ): Promise<TableEntityResult<T> | undefined> {
    try {
      return await this.withTable(options, () =>
        this.call(
          'read',
          table,
          (abortSignal) => table.getEntity<T>(partitionKey, rowKey, { abortSignal }),
          options.signal,
        ),
      );
    } catch (error) {
      if (statusOf(error) === 404 && !isTableNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Calls go straight to their table (start-up does not wait on storage); a missing table
   * (never created, or deleted at run time) is created once, then the operation runs again.
   */
  withTable<T>(options: CallOptions, operation: () => Promise<T>): Promise<T> {
    return this.#tables.run(options.signal, operation);
  }

  /** One SDK call on `table`, through the shared wrapper (timeout, error mapping, observer). */
  call<T>(
    operation: string,
    table: TableClient,
    run: (abortSignal: AbortSignal) => Promise<T>,
    signal?: Signal,
  ): Promise<T> {
    return tableCall(operation, table, this.#calls, run, signal);
  }

  toMember(entity: Partial<MemberEntity>): FoundMember {
    return memberFromRow(entity, this.members.tableName);
  }

  toMoney(entity: Partial<BalanceEntity>): Money {
    return balanceFromRow(entity, this.balances.tableName);
  }
}
