/**
 * Table Storage adapter of the repository port (@azure/data-tables): Azure Storage,
 * Cosmos DB for Table, or Azurite.
 *
 * - members: PartitionKey = one of 256 buckets of the email's hash, RowKey = key(email) | key(loyaltyId)
 *   (keys.ts memberKeys): "is this ID registered to this email" is one point read, all
 *   memberships of an email one row range, and bulk writes group into transactions.
 * - balances: PartitionKey = key(objectId), RowKey = "balance"; created with insert-if-absent,
 *   so concurrent first calls and B2C's retry create exactly one row.
 * User values only ever reach a filter through the SDK's `odata` escaping, and keys are encoded
 * (keys.ts).
 */
import {
  odata,
  type TableClient,
  type TableEntity,
  type TableEntityResult,
  type TableServiceClientOptions,
  type TransactionAction,
} from '@azure/data-tables';
import { normalizeEmail } from '../loyalty/email';
import { formatMoney, type Money } from '../loyalty/money';
import { createTableClient } from './connection';
import { emailRowRange, encodeKey, memberKeys, memberPartition } from './keys';
import {
  byLoyaltyId,
  MAX_MEMBER_PAGE_SIZE,
  type BalanceLookup,
  type CallOptions,
  type FoundMember,
  type LoyaltyMember,
  type LoyaltyRepository,
  type SaveMembersOptions,
  type SaveOutcome,
} from './repository';
import { balanceFromRow, memberFromRow } from './rows';
import { ensureTable } from './tables';
import {
  isTableNotFound,
  RETRY_OPTIONS,
  statusOf,
  tableCall,
  type StorageObserver,
  type TableCallOptions,
} from './tableCall';
import { TaskPool } from './taskPool';

export interface TableRepositoryOptions {
  readonly connectionString: string;
  readonly loyaltyTableName: string;
  readonly balancesTableName: string;
  /** Upper bound of one storage call, including the SDK's own retries. */
  readonly timeoutMs?: number;
  /** SDK client options: retry tuning, or a fake `httpClient` in failure tests. */
  readonly clientOptions?: TableServiceClientOptions;
  /** Told of every storage call (telemetry dependencies). */
  readonly observer?: StorageObserver;
  /** Tuning of saveMembers (defaults suit an import; tests make them small). */
  readonly bulk?: BulkOptions;
}

export interface BulkOptions {
  /** Writes (single rows or transactions) in flight at once. Default 32. */
  readonly concurrency?: number;
  /** Rows per page when saveMembers lists the stored members. Default (and maximum) 1000. */
  readonly pageSize?: number;
  /**
   * How many stored rows saveMembers may list per row it saves before it reads the remaining
   * rows one by one instead (a page of 1000 costs about what 50 point reads cost). Default 50.
   */
  readonly listedRowsPerSavedRow?: number;
}

/** At most 100 operations in one entity group transaction (one partition, so one email). */
const MAX_TRANSACTION_OPERATIONS = 100;

// A type, not an interface: the SDK's transaction actions want an index signature.
type MemberEntity = {
  email: string;
  loyaltyId: string;
  promoCode: string;
  status: string;
  /** ISO 8601: guessing for this email is throttled until then (shared/loyalty/throttle.ts). */
  throttledUntil?: string;
};

/** One key of a bulk save, with every input row that names it, in input order. */
interface BulkKey {
  /** partitionKey NUL rowKey: sorts like the service orders entities. */
  readonly key: string;
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly rows: { readonly index: number; readonly entity: MemberEntity }[];
}

/**
 * The write a bulk key needs: an insert (no etag), or an update of the version that was read. The
 * update is a Merge: every write sets all four properties, so it leaves the same row as a
 * Replace, and Azurite merges in place where it deletes and re-inserts on Replace (half the cost
 * on a 100,000-row table). Azure charges both the same.
 */
interface BulkWrite {
  readonly target: BulkKey;
  readonly entity: MemberEntity;
  readonly etag: string | undefined;
}

interface MemberPage {
  readonly entities: TableEntityResult<MemberEntity>[];
  readonly continuationToken: string | undefined;
}

interface BalanceEntity {
  objectId: string;
  balance: string;
}

const BALANCE_ROW = 'balance';

export class TableLoyaltyRepository implements LoyaltyRepository {
  private readonly members: TableClient;
  private readonly balances: TableClient;
  private readonly calls: TableCallOptions;
  private readonly bulk: Required<BulkOptions>;
  private ready: Promise<void> | undefined;

  constructor(options: TableRepositoryOptions) {
    const clientOptions: TableServiceClientOptions = {
      retryOptions: RETRY_OPTIONS,
      ...options.clientOptions,
    };
    this.members = createTableClient(
      options.connectionString,
      options.loyaltyTableName,
      clientOptions,
    );
    this.balances = createTableClient(
      options.connectionString,
      options.balancesTableName,
      clientOptions,
    );
    this.calls = { timeoutMs: options.timeoutMs ?? 1500, observer: options.observer };
    this.bulk = {
      concurrency: Math.max(1, options.bulk?.concurrency ?? 32),
      pageSize: Math.max(
        1,
        Math.min(MAX_MEMBER_PAGE_SIZE, options.bulk?.pageSize ?? MAX_MEMBER_PAGE_SIZE),
      ),
      listedRowsPerSavedRow: Math.max(0, options.bulk?.listedRowsPerSavedRow ?? 50),
    };
  }

  init(options: CallOptions = {}): Promise<void> {
    this.ready ??= Promise.all([
      ensureTable(this.members, this.calls, options.signal),
      ensureTable(this.balances, this.calls, options.signal),
    ]).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined; // a later call tries again
        throw error;
      },
    );
    return this.ready;
  }

  async findMember(
    email: string,
    loyaltyId: string,
    options: CallOptions = {},
  ): Promise<FoundMember | undefined> {
    const keys = memberKeys(normalizeEmail(email), loyaltyId);
    const entity = await this.read(this.members, keys.partitionKey, keys.rowKey, options);
    return entity === undefined ? undefined : this.toMember(entity);
  }

  async listMembersByEmail(email: string, options: CallOptions = {}): Promise<LoyaltyMember[]> {
    const rows = await this.emailRows(email, options);
    return rows.map((row) => withoutMark(this.toMember(row))).sort(byLoyaltyId);
  }

  async markThrottled(email: string, until: Date, options: CallOptions = {}): Promise<void> {
    const rows = await this.emailRows(email, options);
    const throttledUntil = until.toISOString();
    await Promise.all(
      rows.map(async (row) => {
        try {
          await this.call(
            'write',
            this.members,
            (abortSignal) =>
              this.members.updateEntity(
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

  /** The rows of one email's memberships: one range of one partition. */
  private emailRows(
    email: string,
    options: CallOptions,
  ): Promise<TableEntityResult<MemberEntity>[]> {
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

  async saveMember(member: LoyaltyMember): Promise<SaveOutcome> {
    const email = normalizeEmail(member.email);
    const { partitionKey, rowKey } = memberKeys(email, member.loyaltyId);
    const existing = await this.read(this.members, partitionKey, rowKey);
    const next: MemberEntity = {
      email,
      loyaltyId: member.loyaltyId,
      promoCode: member.promoCode,
      status: member.status,
    };
    if (existing !== undefined && sameMember(existing, next)) return 'unchanged';
    // Merge: a throttle mark on the row stays (every member property is written).
    await this.withTable({}, () =>
      this.call('upsert', this.members, (abortSignal) =>
        this.members.upsertEntity({ partitionKey, rowKey, ...next }, 'Merge', { abortSignal }),
      ),
    );
    return existing === undefined ? 'added' : 'updated';
  }

  /**
   * Reads what is stored without a request per row where it can: the keys are sorted, and the
   * stored members are listed in the same order (merge join), up to a budget of pages that grows
   * with the number of rows saved; rows beyond the budget are read one by one. Then only rows that
   * change are written: an insert where nothing was stored, an update of the version read
   * otherwise (ETag), several rows of one email in one transaction. A conflict (another writer
   * got there in between) saves those rows again one by one, so every outcome is what happened.
   * The same holds where a listing is not in key order (Cosmos DB for Table does not promise it):
   * a stored row taken for absent is inserted, the insert fails with 409, and the row is saved
   * one by one; only the speed suffers.
   */
  async saveMembers(
    members: readonly LoyaltyMember[],
    options: SaveMembersOptions = {},
  ): Promise<SaveOutcome[]> {
    const outcomes = new Array<SaveOutcome>(members.length).fill('unchanged');
    const keys = bulkKeys(members);
    const pool = new TaskPool(this.bulk.concurrency);
    let settled = 0;
    const settle = (target: BulkKey): void => {
      settled += target.rows.length;
      options.onProgress?.(settled);
    };
    let group: BulkWrite[] = [];
    const flush = async (): Promise<void> => {
      if (group.length === 0) return;
      const writes = group;
      group = [];
      await pool.run(() => this.writeMembers(writes, members, outcomes, settle));
    };
    const decide = async (
      target: BulkKey,
      existing: TableEntityResult<MemberEntity> | undefined,
    ): Promise<void> => {
      const write = planWrite(target, existing, outcomes);
      if (write === undefined) return settle(target);
      const first = group[0];
      if (
        first !== undefined &&
        (first.target.partitionKey !== target.partitionKey ||
          group.length >= MAX_TRANSACTION_OPERATIONS)
      ) {
        await flush();
      }
      group.push(write);
    };

    try {
      let next = 0;
      const maxPages = Math.ceil(
        (keys.length * this.bulk.listedRowsPerSavedRow) / this.bulk.pageSize,
      );
      let token: string | undefined;
      for (let pages = 0; next < keys.length && pages < maxPages; pages += 1) {
        const page = await this.listPage(token, this.bulk.pageSize);
        const last = page.entities.at(-1);
        const complete = page.continuationToken === undefined;
        const found = new Map(
          page.entities.map((e) => [bulkKey(e.partitionKey ?? '', e.rowKey ?? ''), e]),
        );
        const upTo =
          last === undefined ? undefined : bulkKey(last.partitionKey ?? '', last.rowKey ?? '');
        for (let target = keys[next]; target !== undefined; target = keys[next]) {
          if (!complete && (upTo === undefined || target.key > upTo)) break;
          next += 1;
          await decide(target, found.get(target.key));
        }
        if (complete) break;
        token = page.continuationToken;
      }
      await flush();
      for (let target = keys[next]; target !== undefined; target = keys[++next]) {
        const one = target;
        await pool.run(async () => {
          const existing = await this.read(this.members, one.partitionKey, one.rowKey);
          const write = planWrite(one, existing, outcomes);
          if (write === undefined) settle(one);
          else await this.writeMembers([write], members, outcomes, settle);
        });
      }
    } catch (error) {
      await pool.drain().catch(() => undefined);
      throw error;
    }
    await pool.drain();
    return outcomes;
  }

  async *listMembers(pageSize = MAX_MEMBER_PAGE_SIZE): AsyncIterable<LoyaltyMember[]> {
    const size = Math.max(1, Math.min(MAX_MEMBER_PAGE_SIZE, Math.floor(pageSize)));
    let token: string | undefined;
    do {
      const page = await this.listPage(token, size);
      if (page.entities.length > 0) yield page.entities.map((e) => withoutMark(this.toMember(e)));
      token = page.continuationToken;
    } while (token !== undefined);
  }

  async isEmpty(): Promise<boolean> {
    return this.withTable({}, () =>
      this.call('query', this.members, async (abortSignal) => {
        const pages = this.members
          .listEntities({ queryOptions: { select: ['PartitionKey'] }, abortSignal })
          .byPage({ maxPageSize: 1 });
        for await (const page of pages) return page.length === 0;
        return true;
      }),
    );
  }

  async getBalance(objectId: string): Promise<Money | undefined> {
    const entity = await this.read<BalanceEntity>(this.balances, encodeKey(objectId), BALANCE_ROW);
    return entity === undefined ? undefined : this.toMoney(entity);
  }

  async getOrCreateBalance(
    objectId: string,
    starting: Money,
    options: CallOptions = {},
  ): Promise<BalanceLookup> {
    const partitionKey = encodeKey(objectId);
    const existing = await this.read<BalanceEntity>(
      this.balances,
      partitionKey,
      BALANCE_ROW,
      options,
    );
    if (existing !== undefined) return { balance: this.toMoney(existing), created: false };
    try {
      await this.withTable(options, () =>
        this.call(
          'insert',
          this.balances,
          (abortSignal) =>
            this.balances.createEntity<BalanceEntity>(
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
      const winner = await this.read<BalanceEntity>(
        this.balances,
        partitionKey,
        BALANCE_ROW,
        options,
      );
      if (winner === undefined) throw error;
      return { balance: this.toMoney(winner), created: false };
    }
  }

  async setBalance(objectId: string, balance: Money): Promise<void> {
    await this.withTable({}, () =>
      this.call('upsert', this.balances, (abortSignal) =>
        this.balances.upsertEntity<BalanceEntity>(
          {
            partitionKey: encodeKey(objectId),
            rowKey: BALANCE_ROW,
            objectId,
            balance: formatMoney(balance),
          },
          'Replace',
          { abortSignal },
        ),
      ),
    );
  }

  async ping(options: CallOptions = {}): Promise<void> {
    await this.read(this.balances, 'health', 'ping', options);
  }

  /** One page of the members table, in key order; its own request under the storage timeout. */
  private async listPage(
    continuationToken: string | undefined,
    pageSize: number,
  ): Promise<MemberPage> {
    return this.withTable({}, () =>
      this.call('query', this.members, async (abortSignal) => {
        const pages = this.members
          .listEntities<MemberEntity>({ abortSignal })
          .byPage({ maxPageSize: pageSize, continuationToken });
        const first = await pages.next();
        if (first.done === true) return { entities: [], continuationToken: undefined };
        return { entities: [...first.value], continuationToken: first.value.continuationToken };
      }),
    );
  }

  /**
   * Writes the rows one bulk save decided on: one request for one row, one transaction for
   * several rows of one partition. When another writer changed a row since it was read (insert
   * 409, update 412 or 404), the rows are saved again one by one and their outcomes replaced.
   */
  private async writeMembers(
    writes: readonly BulkWrite[],
    members: readonly LoyaltyMember[],
    outcomes: SaveOutcome[],
    settle: (target: BulkKey) => void,
  ): Promise<void> {
    try {
      await this.withTable({}, () =>
        this.call(
          writes.length === 1 ? 'write' : 'transaction',
          this.members,
          async (abortSignal) => {
            const [only] = writes;
            if (only !== undefined && writes.length === 1) {
              const entity = entityOf(only);
              if (only.etag === undefined) await this.members.createEntity(entity, { abortSignal });
              else
                await this.members.updateEntity(entity, 'Merge', { etag: only.etag, abortSignal });
              return;
            }
            await this.members.submitTransaction(writes.map(actionOf), { abortSignal });
          },
        ),
      );
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      for (const write of writes) {
        for (const row of write.target.rows) {
          const member = members[row.index];
          if (member !== undefined) outcomes[row.index] = await this.saveMember(member);
        }
      }
    }
    for (const write of writes) settle(write.target);
  }

  /** Point read: undefined on 404 (no such entity). */
  private async read<T extends object = MemberEntity>(
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
  private async withTable<T>(options: CallOptions, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!isTableNotFound(error)) throw error;
      this.ready = undefined;
      await this.init(options);
      return operation();
    }
  }

  /** One SDK call on `table`, through the shared wrapper (timeout, error mapping, observer). */
  private call<T>(
    operation: string,
    table: TableClient,
    run: (abortSignal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return tableCall(operation, table, this.calls, run, signal);
  }

  private toMember(entity: Partial<MemberEntity>): FoundMember {
    return memberFromRow(entity, this.members.tableName);
  }

  private toMoney(entity: Partial<BalanceEntity>): Money {
    return balanceFromRow(entity, this.balances.tableName);
  }
}

/** A member as listings give it: the throttle's mark is the point read's business. */
function withoutMark(member: FoundMember): LoyaltyMember {
  return {
    email: member.email,
    loyaltyId: member.loyaltyId,
    promoCode: member.promoCode,
    status: member.status,
  };
}

/** A stored row that another writer changed since it was read (or created, or deleted). */
function isWriteConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412 || (status === 404 && !isTableNotFound(error));
}

function bulkKey(partitionKey: string, rowKey: string): string {
  return `${partitionKey}\u0000${rowKey}`;
}

/** The input grouped by key (a key given twice keeps both rows, in order), sorted by key. */
function bulkKeys(members: readonly LoyaltyMember[]): BulkKey[] {
  const byKey = new Map<string, BulkKey>();
  members.forEach((member, index) => {
    const email = normalizeEmail(member.email);
    const { partitionKey, rowKey } = memberKeys(email, member.loyaltyId);
    const key = bulkKey(partitionKey, rowKey);
    const entity: MemberEntity = {
      email,
      loyaltyId: member.loyaltyId,
      promoCode: member.promoCode,
      status: member.status,
    };
    const known = byKey.get(key);
    if (known === undefined)
      byKey.set(key, { key, partitionKey, rowKey, rows: [{ index, entity }] });
    else known.rows.push({ index, entity });
  });
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function sameMember(stored: Partial<MemberEntity>, next: MemberEntity): boolean {
  return (
    stored.email === next.email &&
    stored.loyaltyId === next.loyaltyId &&
    stored.promoCode === next.promoCode &&
    stored.status === next.status
  );
}

/**
 * Sets the outcome of every row of one key as saveMember one after another would have, against
 * what is stored; returns the write the last row needs, or undefined when it matches the store.
 */
function planWrite(
  target: BulkKey,
  existing: TableEntityResult<MemberEntity> | undefined,
  outcomes: SaveOutcome[],
): BulkWrite | undefined {
  let current: Partial<MemberEntity> | undefined = existing;
  let last: MemberEntity | undefined;
  for (const row of target.rows) {
    outcomes[row.index] =
      current === undefined ? 'added' : sameMember(current, row.entity) ? 'unchanged' : 'updated';
    current = row.entity;
    last = row.entity;
  }
  if (last === undefined || (existing !== undefined && sameMember(existing, last)))
    return undefined;
  return { target, entity: last, etag: existing?.etag };
}

function entityOf(write: BulkWrite): TableEntity<MemberEntity> {
  return { partitionKey: write.target.partitionKey, rowKey: write.target.rowKey, ...write.entity };
}

function actionOf(write: BulkWrite): TransactionAction {
  return write.etag === undefined
    ? ['create', entityOf(write)]
    : ['update', entityOf(write), 'Merge', { etag: write.etag }];
}
