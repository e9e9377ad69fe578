/**
 * The storage port. Business rules and functions depend on this interface only;
 * the Table Storage adapter and the in-memory adapter both pass tests/storage.contract.ts.
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
