/**
 * Table Storage adapter of the admin port: what the loyalty CLI and the demo seeding do besides
 * serving. Single rows here; many rows through the bulk engine (bulkSave.ts).
 */
import type { TableEntityResult } from '@azure/data-tables';
import type { MemberAdmin, SaveMembersOptions, SaveOutcome } from '../../loyalty/admin';
import { MAX_MEMBER_PAGE_SIZE } from '../../loyalty/admin';
import { normalizeEmail } from '../../loyalty/email';
import type { LoyaltyMember } from '../../loyalty/member';
import { formatMoney, type Money } from '../../loyalty/money';
import { saveMembersInBulk, type BulkOptions, type BulkWrite, type MemberPage } from './bulkSave';
import { encodeKey, memberKeys } from './keys';
import {
  BALANCE_ROW,
  memberEntity,
  sameMember,
  withoutMark,
  type BalanceEntity,
  type MemberEntity,
} from './rows';
import type { BalanceLookup, CallOptions, FoundMember } from '../../loyalty/ports';
import { statusOf } from './tableCall';
import {
  MemberTables,
  TableLoyaltyRepository,
  type TableRepositoryOptions,
} from './tableRepository';

export type { BulkOptions } from './bulkSave';

export interface TableAdminOptions extends TableRepositoryOptions {
  /** Tuning of saveMembers (defaults suit an import; tests make them small). */
  readonly bulk?: BulkOptions;
}

/**
 * Serves what the repository serves by handing it on to one (sharing its tables), and adds the
 * admin operations on the same tables, through their public calls only.
 */
export class TableLoyaltyAdmin implements MemberAdmin {
  private readonly bulk: BulkOptions;
  readonly #tables: MemberTables;
  readonly #serving: TableLoyaltyRepository;

  constructor(options: TableAdminOptions) {
    this.bulk = options.bulk ?? {};
    this.#tables = new MemberTables(options);
    this.#serving = new TableLoyaltyRepository(options, this.#tables);
  }

  init(options?: CallOptions): Promise<void> {
    return this.#serving.init(options);
  }

  findMember(
    email: string,
    loyaltyId: string,
    options?: CallOptions,
  ): Promise<FoundMember | undefined> {
    return this.#serving.findMember(email, loyaltyId, options);
  }

  listMembersByEmail(email: string, options?: CallOptions): Promise<LoyaltyMember[]> {
    return this.#serving.listMembersByEmail(email, options);
  }

  markThrottled(email: string, until: Date, options?: CallOptions): Promise<void> {
    return this.#serving.markThrottled(email, until, options);
  }

  getOrCreateBalance(
    objectId: string,
    starting: Money,
    options?: CallOptions,
  ): Promise<BalanceLookup> {
    return this.#serving.getOrCreateBalance(objectId, starting, options);
  }

  ping(options?: CallOptions): Promise<void> {
    return this.#serving.ping(options);
  }

  async saveMember(member: LoyaltyMember): Promise<SaveOutcome> {
    const email = normalizeEmail(member.email);
    const { partitionKey, rowKey } = memberKeys(email, member.loyaltyId);
    const existing = await this.#tables.read(this.#tables.members, partitionKey, rowKey);
    const next = memberEntity(member, email);
    if (existing !== undefined && sameMember(existing, next)) return 'unchanged';
    // Merge: a throttle mark on the row stays (every member property is written).
    await this.#tables.withTable({}, () =>
      this.#tables.call('upsert', this.#tables.members, (abortSignal) =>
        this.#tables.members.upsertEntity({ partitionKey, rowKey, ...next }, 'Merge', {
          abortSignal,
        }),
      ),
    );
    return existing === undefined ? 'added' : 'updated';
  }

  saveMembers(
    members: readonly LoyaltyMember[],
    options: SaveMembersOptions = {},
  ): Promise<SaveOutcome[]> {
    return saveMembersInBulk(
      {
        listPage: (token, size) => this.listPage(token, size),
        readMember: (partitionKey, rowKey) =>
          this.#tables.read(this.#tables.members, partitionKey, rowKey),
        write: (writes) => this.write(writes),
        saveMember: (member) => this.saveMember(member),
      },
      members,
      options,
      this.bulk,
    );
  }

  async *listMembers(pageSize = MAX_MEMBER_PAGE_SIZE): AsyncIterable<LoyaltyMember[]> {
    const size = Math.max(1, Math.min(MAX_MEMBER_PAGE_SIZE, Math.floor(pageSize)));
    let token: string | undefined;
    do {
      const page = await this.listPage(token, size);
      if (page.entities.length > 0)
        yield page.entities.map((e) => withoutMark(this.#tables.toMember(e)));
      token = page.continuationToken;
    } while (token !== undefined);
  }

  async removeMembers(email: string, loyaltyId?: string): Promise<string[]> {
    const held = await this.listMembersByEmail(email);
    const removed: string[] = [];
    for (const member of held.filter((m) => loyaltyId === undefined || m.loyaltyId === loyaltyId)) {
      const { partitionKey, rowKey } = memberKeys(normalizeEmail(email), member.loyaltyId);
      try {
        await this.#tables.call('delete', this.#tables.members, (abortSignal) =>
          this.#tables.members.deleteEntity(partitionKey, rowKey, { abortSignal }),
        );
        removed.push(member.loyaltyId);
      } catch (error) {
        if (statusOf(error) !== 404) throw error; // removed meanwhile
      }
    }
    return removed;
  }

  async isEmpty(): Promise<boolean> {
    return this.#tables.withTable({}, () =>
      this.#tables.call('query', this.#tables.members, async (abortSignal) => {
        const pages = this.#tables.members
          .listEntities({ queryOptions: { select: ['PartitionKey'] }, abortSignal })
          .byPage({ maxPageSize: 1 });
        for await (const page of pages) return page.length === 0;
        return true;
      }),
    );
  }

  async getBalance(objectId: string): Promise<Money | undefined> {
    const entity = await this.#tables.read<BalanceEntity>(
      this.#tables.balances,
      encodeKey(objectId),
      BALANCE_ROW,
    );
    return entity === undefined ? undefined : this.#tables.toMoney(entity);
  }

  async setBalance(objectId: string, balance: Money): Promise<void> {
    await this.#tables.withTable({}, () =>
      this.#tables.call('upsert', this.#tables.balances, (abortSignal) =>
        this.#tables.balances.upsertEntity<BalanceEntity>(
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

  /** One page of the members table, in key order; its own request under the storage timeout. */
  private listPage(continuationToken: string | undefined, pageSize: number): Promise<MemberPage> {
    return this.#tables.withTable({}, () =>
      this.#tables.call('query', this.#tables.members, async (abortSignal) => {
        const pages = this.#tables.members
          .listEntities<MemberEntity>({ abortSignal })
          .byPage({ maxPageSize: pageSize, continuationToken });
        const first = await pages.next();
        if (first.done === true) return { entities: [], continuationToken: undefined };
        const entities: TableEntityResult<MemberEntity>[] = [...first.value];
        return { entities, continuationToken: first.value.continuationToken };
      }),
    );
  }

  /** One request for one row, one entity group transaction for several rows of one partition. */
  private write(writes: readonly BulkWrite[]): Promise<void> {
    return this.#tables.withTable({}, () =>
      this.#tables.call(
        writes.length === 1 ? 'write' : 'transaction',
        this.#tables.members,
        async (abortSignal) => {
          const [only] = writes;
          if (only !== undefined && writes.length === 1) {
            if (only.etag === undefined) {
              await this.#tables.members.createEntity(only.entity, { abortSignal });
            } else {
              await this.#tables.members.updateEntity(only.entity, 'Merge', {
                etag: only.etag,
                abortSignal,
              });
            }
            return;
          }
          await this.#tables.members.submitTransaction(
            writes.map((w) =>
              w.etag === undefined
                ? ['create', w.entity]
                : ['update', w.entity, 'Merge', { etag: w.etag }],
            ),
            { abortSignal },
          );
        },
      ),
    );
  }
}
