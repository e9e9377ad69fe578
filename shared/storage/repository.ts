/**
 * The storage port. Business rules and functions depend on this interface only;
 * the Table Storage adapter and the in-memory adapter both pass tests/support/repositoryContract.ts.
 */
import type { Money } from '../loyalty/money';

export type MemberStatus = 'active' | 'suspended';
export const MEMBER_STATUSES: readonly MemberStatus[] = ['active', 'suspended'];

export interface LoyaltyMember {
  /** Normalized: trimmed, lower-case. */
  readonly email: string;
  readonly loyaltyId: string;
  readonly promoCode: string;
  readonly status: MemberStatus;
}

export type SaveOutcome = 'added' | 'updated' | 'unchanged';

export interface SaveMembersOptions {
  /** Called as rows settle (saved, or found unchanged) with the number settled so far. */
  readonly onProgress?: (settled: number) => void;
}

/** The most members one page of listMembers holds (the Table service's own page limit). */
export const MAX_MEMBER_PAGE_SIZE = 1000;

export interface BalanceLookup {
  readonly balance: Money;
  /** True when this call registered the user with the starting balance. */
  readonly created: boolean;
}

export interface LoyaltyRepository {
  /** Creates the tables when missing. Idempotent; safe when several instances start at once. */
  init(): Promise<void>;
  /** Point read: is this loyalty ID registered to this email? */
  findMember(email: string, loyaltyId: string): Promise<LoyaltyMember | undefined>;
  /** Every membership held by one email, ordered by loyalty ID. */
  listMembersByEmail(email: string): Promise<LoyaltyMember[]>;
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
  /** True when no member is stored at all (used to seed demo data on a first start). */
  isEmpty(): Promise<boolean>;
  getBalance(objectId: string): Promise<Money | undefined>;
  /** Reads the balance, registering the user with `starting` when absent (insert-if-absent). */
  getOrCreateBalance(objectId: string, starting: Money): Promise<BalanceLookup>;
  setBalance(objectId: string, balance: Money): Promise<void>;
  /** Cheap round trip proving the store answers. */
  ping(): Promise<void>;
}

/** Storage could not answer (network, timeout, 5xx): the caller may degrade or retry later. */
export class StorageUnavailableError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

/** A stored row does not have the shape the app writes. */
export class StorageCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageCorruptError';
  }
}

/** The order listMembersByEmail returns: by loyalty ID, code unit order. */
export function byLoyaltyId(a: LoyaltyMember, b: LoyaltyMember): number {
  return a.loyaltyId < b.loyaltyId ? -1 : a.loyaltyId > b.loyaltyId ? 1 : 0;
}
