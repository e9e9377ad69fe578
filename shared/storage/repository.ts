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

/** A member as a point read finds it, with the throttle's mark when guessing is throttled. */
export interface FoundMember extends LoyaltyMember {
  /**
   * Set when the failed validations for this email reached MAX_FAILED_VALIDATIONS: until then
   * every check of the email answers "too many attempts", a right loyalty ID included.
   */
  readonly throttledUntil?: Date;
}

/** Per call: the request's deadline, so no storage call outlives its request. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
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
  /**
   * Creates the tables when missing. Idempotent; safe when several instances start at once, and
   * when the identity may not create tables but they exist.
   */
  init(options?: CallOptions): Promise<void>;
  /** Point read: is this loyalty ID registered to this email (and is guessing throttled)? */
  findMember(
    email: string,
    loyaltyId: string,
    options?: CallOptions,
  ): Promise<FoundMember | undefined>;
  /** Every membership held by one email, ordered by loyalty ID. */
  listMembersByEmail(email: string, options?: CallOptions): Promise<LoyaltyMember[]>;
  /** Marks every membership of the email as throttled until `until` (see FoundMember). */
  markThrottled(email: string, until: Date, options?: CallOptions): Promise<void>;
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
  getOrCreateBalance(
    objectId: string,
    starting: Money,
    options?: CallOptions,
  ): Promise<BalanceLookup>;
  setBalance(objectId: string, balance: Money): Promise<void>;
  /** Cheap round trip proving the store answers. */
  ping(options?: CallOptions): Promise<void>;
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

/**
 * A stored row does not have the shape the app writes. It names the table and a hash of the
 * row's keys (to find the row), never the keys themselves (they encode emails) or a value.
 */
export class StorageCorruptError extends Error {
  constructor(
    readonly table: string,
    readonly keyHash: string,
    problem: string,
  ) {
    super(`A row of ${table} (key hash ${keyHash}) is corrupt: ${problem}`);
    this.name = 'StorageCorruptError';
  }
}

/** The order listMembersByEmail returns: by loyalty ID, code unit order. */
export function byLoyaltyId(a: LoyaltyMember, b: LoyaltyMember): number {
  return a.loyaltyId < b.loyaltyId ? -1 : a.loyaltyId > b.loyaltyId ? 1 : 0;
}
