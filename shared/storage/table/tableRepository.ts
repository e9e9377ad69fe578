/**
 * Table Storage adapter of the serving repository (@azure/data-tables): Azure Storage, Cosmos DB
 * for Table, or Azurite. Only what the functions call; the CLI's admin operations and bulk
 * import are shared/storage/table/tableAdmin.ts.
 *
 * - members: PartitionKey = one of 256 buckets of the email's hash, RowKey = key(email) | key(loyaltyId)
 *   (keys.ts memberKeys): "is this ID registered to this email" is one point read, all
 *   memberships of an email one row range, and bulk writes group into transactions.
 * - balances: PartitionKey = key(objectId), RowKey = "balance"; created with insert-if-absent,
 *   so concurrent first calls and B2C's retry create exactly one row.
 * User values only ever reach a filter through the SDK's `odata` escaping, and keys are encoded
 * (keys.ts). Rows are read through rows.ts, the one parser per table.
 *
 * MemberTables holds the two tables and the calls both Table adapters make on them; the serving
 * repository and the admin adapter (tableAdmin.ts) each use one through its public calls only,
 * so neither reaches into the other. (One file with the repository: one module less on the
 * functions' cold path.)
 */
import type { Signal } from '../../abort';
import {
  odata,
  type TableClient,
  type TableEntityResult,
  type TableServiceClientOptions,
} from '@azure/data-tables';
import { normalizeEmail } from '../../loyalty/email';
import { byLoyaltyId, type LoyaltyMember } from '../../loyalty/member';
import { formatMoney, type Money } from '../../loyalty/money';
import type {
  BalanceLookup,
  CallOptions,
  FoundMember,
  LoyaltyRepository,
} from '../../loyalty/ports';
import { createTableClient, type TablesTarget } from './connection';
import { emailRowRange, encodeKey, memberKeys, memberPartition } from './keys';
import {
  BALANCE_ROW,
  balanceFromRow,
  memberFromRow,
  withoutMark,
  type BalanceEntity,
  type MemberEntity,
} from './rows';
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

export class TableLoyaltyRepository implements LoyaltyRepository {
  readonly #tables: MemberTables;

  /** `tables`: the member tables to serve from, when an admin adapter shares its own. */
  constructor(options: TableRepositoryOptions, tables: MemberTables = new MemberTables(options)) {
    this.#tables = tables;
  }

  init(options: CallOptions = {}): Promise<void> {
    return this.#tables.ensure(options.signal);
  }

  async findMember(
    email: string,
    loyaltyId: string,
    options: CallOptions = {},
  ): Promise<FoundMember | undefined> {
    const t = this.#tables;
    const keys = memberKeys(normalizeEmail(email), loyaltyId);
    const entity = await t.read(t.members, keys.partitionKey, keys.rowKey, options);
    return entity === undefined ? undefined : t.toMember(entity);
  }

  async listMembersByEmail(email: string, options: CallOptions = {}): Promise<LoyaltyMember[]> {
    const rows = await this.#tables.emailRows(email, options);
    return rows.map((row) => withoutMark(this.#tables.toMember(row))).sort(byLoyaltyId);
  }

  async markThrottled(email: string, until: Date, options: CallOptions = {}): Promise<void> {
    const t = this.#tables;
    const rows = await t.emailRows(email, options);
    const throttledUntil = until.toISOString();
    await Promise.all(
      rows.map(async (row) => {
        try {
          await t.call(
            'write',
            t.members,
            (abortSignal) =>
              t.members.updateEntity(
                { partitionKey: row.partitionKey ?? '', rowKey: row.rowKey ?? '', throttledUntil },
                'Merge',
                { abortSignal },
              ),
            options.signal,
          );
        } catch (error) {
          if (statusOf(error) !== 404 || isTableNotFound(error)) throw error; // 404: removed
        }
      }),
    );
  }

  async getOrCreateBalance(
    objectId: string,
    starting: Money,
    options: CallOptions = {},
  ): Promise<BalanceLookup> {
    const t = this.#tables;
    const partitionKey = encodeKey(objectId);
    const existing = await t.read<BalanceEntity>(t.balances, partitionKey, BALANCE_ROW, options);
    if (existing !== undefined) return { balance: t.toMoney(existing), created: false };
    try {
      await t.withTable(options, () =>
        t.call(
          'insert',
          t.balances,
          (abortSignal) =>
            t.balances.createEntity<BalanceEntity>(
              { partitionKey, rowKey: BALANCE_ROW, objectId, balance: formatMoney(starting) },
              { abortSignal },
            ),
          options.signal,
        ),
      );
      return { balance: starting, created: true };
    } catch (error) {
      // Another call (a concurrent first call, or B2C's retry) inserted it first: read theirs.
      if (statusOf(error) !== 409) throw error;
      const winner = await t.read<BalanceEntity>(t.balances, partitionKey, BALANCE_ROW, options);
      if (winner === undefined) throw error;
      return { balance: t.toMoney(winner), created: false };
    }
  }

  async ping(options: CallOptions = {}): Promise<void> {
    await this.#tables.read(this.#tables.balances, 'health', 'ping', options);
  }
}
