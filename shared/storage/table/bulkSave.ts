/**
 * The bulk import engine behind the admin port's saveMembers (the CLI's import). It reads what
 * is stored without a request per row where it can: the keys are sorted, and the stored members
 * are listed in the same order (merge join), up to a budget of pages that grows with the number
 * of rows saved; rows beyond the budget are read one by one. Then only rows that change are
 * written: an insert where nothing was stored, an update of the version read otherwise (ETag),
 * several rows of one partition in one transaction. A conflict (another writer got there in
 * between) saves those rows again one by one, so every outcome is what happened. The same holds
 * where a listing is not in key order (Cosmos DB for Table does not promise it): a stored row
 * taken for absent is inserted, the insert fails with 409, and the row is saved one by one; only
 * the speed suffers.
 */
import type { TableEntity, TableEntityResult } from '@azure/data-tables';
import {
  MAX_MEMBER_PAGE_SIZE,
  type SaveMembersOptions,
  type SaveOutcome,
} from '../../loyalty/admin';
import { normalizeEmail } from '../../loyalty/email';
import type { LoyaltyMember } from '../../loyalty/member';
import { memberKeys } from './keys';
import { memberEntity, sameMember, type MemberEntity } from './rows';
import { isTableNotFound, statusOf } from './tableCall';
import { TaskPool } from '../taskPool';

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

export interface MemberPage {
  readonly entities: TableEntityResult<MemberEntity>[];
  readonly continuationToken: string | undefined;
}

/**
 * The write a bulk key needs: an insert (no etag), or an update of the version that was read. The
 * update is a Merge: every write sets all four properties, so it leaves the same row as a
 * Replace, and Azurite merges in place where it deletes and re-inserts on Replace (half the cost
 * on a 100,000-row table). Azure charges both the same.
 */
export interface BulkWrite {
  readonly entity: TableEntity<MemberEntity>;
  readonly etag: string | undefined;
}

/** What the engine needs of the store. */
export interface BulkStore {
  listPage(continuationToken: string | undefined, pageSize: number): Promise<MemberPage>;
  readMember(
    partitionKey: string,
    rowKey: string,
  ): Promise<TableEntityResult<MemberEntity> | undefined>;
  /** One row, or one transaction for rows of one partition; conflicts throw (409, 412, 404). */
  write(writes: readonly BulkWrite[]): Promise<void>;
  saveMember(member: LoyaltyMember): Promise<SaveOutcome>;
}

/** At most 100 operations in one entity group transaction (one partition). */
const MAX_TRANSACTION_OPERATIONS = 100;

/** One key of a bulk save, with every input row that names it, in input order. */
interface BulkKey {
  /** partitionKey NUL rowKey: sorts like the service orders entities. */
  readonly key: string;
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly rows: { readonly index: number; readonly entity: MemberEntity }[];
}

interface PlannedWrite extends BulkWrite {
  readonly target: BulkKey;
}

export async function saveMembersInBulk(
  store: BulkStore,
  members: readonly LoyaltyMember[],
  options: SaveMembersOptions,
  tuning: BulkOptions,
): Promise<SaveOutcome[]> {
  const concurrency = Math.max(1, tuning.concurrency ?? 32);
  const pageSize = Math.max(1, Math.min(MAX_MEMBER_PAGE_SIZE, tuning.pageSize ?? 1000));
  const listedRowsPerSavedRow = Math.max(0, tuning.listedRowsPerSavedRow ?? 50);
  const outcomes = new Array<SaveOutcome>(members.length).fill('unchanged');
  const keys = bulkKeys(members);
  const pool = new TaskPool(concurrency);
  let settled = 0;
  const settle = (target: BulkKey): void => {
    settled += target.rows.length;
    options.onProgress?.(settled);
  };
  const write = async (writes: readonly PlannedWrite[]): Promise<void> => {
    try {
      await store.write(writes);
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      for (const { target } of writes) {
        for (const row of target.rows) {
          const member = members[row.index];
          if (member !== undefined) outcomes[row.index] = await store.saveMember(member);
        }
      }
    }
    for (const { target } of writes) settle(target);
  };
  let group: PlannedWrite[] = [];
  const flush = async (): Promise<void> => {
    if (group.length === 0) return;
    const writes = group;
    group = [];
    await pool.run(() => write(writes));
  };
  const decide = async (
    target: BulkKey,
    existing: TableEntityResult<MemberEntity> | undefined,
  ): Promise<void> => {
    const planned = planWrite(target, existing, outcomes);
    if (planned === undefined) return settle(target);
    const first = group[0];
    if (
      first !== undefined &&
      (first.target.partitionKey !== target.partitionKey ||
        group.length >= MAX_TRANSACTION_OPERATIONS)
    ) {
      await flush();
    }
    group.push(planned);
  };

  try {
    let next = 0;
    const maxPages = Math.ceil((keys.length * listedRowsPerSavedRow) / pageSize);
    let token: string | undefined;
    for (let pages = 0; next < keys.length && pages < maxPages; pages += 1) {
      const page = await store.listPage(token, pageSize);
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
        const existing = await store.readMember(one.partitionKey, one.rowKey);
        const planned = planWrite(one, existing, outcomes);
        if (planned === undefined) settle(one);
        else await write([planned]);
      });
    }
  } catch (error) {
    await pool.drain().catch(() => undefined);
    throw error;
  }
  await pool.drain();
  return outcomes;
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
    const entity = memberEntity(member, email);
    const known = byKey.get(key);
    if (known === undefined)
      byKey.set(key, { key, partitionKey, rowKey, rows: [{ index, entity }] });
    else known.rows.push({ index, entity });
  });
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Sets the outcome of every row of one key as saveMember one after another would have, against
 * what is stored; returns the write the last row needs, or undefined when it matches the store.
 */
function planWrite(
  target: BulkKey,
  existing: TableEntityResult<MemberEntity> | undefined,
  outcomes: SaveOutcome[],
): PlannedWrite | undefined {
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
  return {
    target,
    entity: { partitionKey: target.partitionKey, rowKey: target.rowKey, ...last },
    etag: existing?.etag,
  };
}
