/**
 * The admin port: what the loyalty CLI (and the demo seeding of `npm start`) does to the store
 * beyond serving sign-ups. The functions never use it; its Table adapter, with the bulk import
 * engine, is shared/storage/table/tableAdmin.ts.
 */
import type { LoyaltyMember } from './member';
import type { Money } from './money';
import type { LoyaltyRepository } from './ports';

export type SaveOutcome = 'added' | 'updated' | 'unchanged';

export interface SaveMembersOptions {
  /** Called as rows settle (saved, or found unchanged) with the number settled so far. */
  readonly onProgress?: (settled: number) => void;
}

/** The most members one page of listMembers holds (the Table service's own page limit). */
export const MAX_MEMBER_PAGE_SIZE = 1000;

export interface MemberAdmin extends LoyaltyRepository {
  /** Insert or replace; says whether anything changed, so repeating an import is harmless. */
  saveMember(member: LoyaltyMember): Promise<SaveOutcome>;
  /**
   * Saves many members (an import). The outcomes, in input order, are the ones saveMember would
   * have reported saving them one after another: a key given twice is added, then updated or
   * unchanged, and the last one wins. Much faster than saveMember in a loop. Not atomic: a call
   * that fails part way leaves some rows saved, and running it again is harmless.
   */
  saveMembers(
    members: readonly LoyaltyMember[],
    options?: SaveMembersOptions,
  ): Promise<SaveOutcome[]>;
  /**
   * Every member, a page at a time (at most `pageSize`, default and maximum
   * MAX_MEMBER_PAGE_SIZE), each exactly once, grouped by email. An export.
   */
  listMembers(pageSize?: number): AsyncIterable<LoyaltyMember[]>;
  /**
   * Removes the memberships of one email (only the one with `loyaltyId` when given); returns the
   * loyalty IDs removed. Removing what is not there removes nothing.
   */
  removeMembers(email: string, loyaltyId?: string): Promise<string[]>;
  /** True when no member is stored at all (used to seed demo data on a first start). */
  isEmpty(): Promise<boolean>;
  getBalance(objectId: string): Promise<Money | undefined>;
  setBalance(objectId: string, balance: Money): Promise<void>;
}
