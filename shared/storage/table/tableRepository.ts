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
 */
import { normalizeEmail } from '../../loyalty/email';
import { byLoyaltyId, type LoyaltyMember } from '../../loyalty/member';
import { formatMoney, type Money } from '../../loyalty/money';
import type {
  BalanceLookup,
  CallOptions,
  FoundMember,
  LoyaltyRepository,
} from '../../loyalty/ports';
import { encodeKey, memberKeys } from './keys';
import { MemberTables, type TableRepositoryOptions } from './memberTables';
import { BALANCE_ROW, withoutMark, type BalanceEntity } from './rows';
import { isTableNotFound, statusOf } from './tableCall';

export type { TableRepositoryOptions } from './memberTables';

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
