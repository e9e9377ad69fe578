/**
 * The ports the rules need, owned by the domain: the serving repository (what the functions
 * call: members, balances and throttle marks, each rule asking only for its part), the attempt store (the guessing throttle's counter), and the failures a storage
 * adapter may report. The Table Storage and in-memory adapters (shared/storage/) implement them
 * and pass one contract suite each (tests/support/*Contract.ts).
 */
import type { Signal } from '../abort';
import type { LoyaltyMember } from './member';
import type { Money } from './money';

/** Per call: the request's deadline, so no storage call outlives its request. */
export interface CallOptions {
  readonly signal?: Signal | undefined;
}

/** A member as a point read finds it, with the throttle's mark when guessing is throttled. */
export interface FoundMember extends LoyaltyMember {
  /**
   * Set when one of the email's counters reached a limit (shared/loyalty/throttle.ts): until
   * then a right loyalty ID is checked against the counters too, as a wrong one is, so a
   * throttled caller gets the same answer after the same work whichever it sent.
   */
  readonly throttledUntil?: Date;
}

export interface BalanceLookup {
  readonly balance: Money;
  /** True when this call registered the user with the starting balance. */
  readonly created: boolean;
}

/** The members, as sign-ups and token enrichment read them. */
export interface MemberDirectory {
  /** Point read: is this loyalty ID registered to this email (and is guessing throttled)? */
  findMember(
    email: string,
    loyaltyId: string,
    options?: CallOptions,
  ): Promise<FoundMember | undefined>;
  /** Every membership held by one email, ordered by loyalty ID. */
  listMembersByEmail(email: string, options?: CallOptions): Promise<LoyaltyMember[]>;
}

/** The balances, one per user. */
export interface BalanceStore {
  /** Reads the balance, registering the user with `starting` when absent (insert-if-absent). */
  getOrCreateBalance(
    objectId: string,
    starting: Money,
    options?: CallOptions,
  ): Promise<BalanceLookup>;
}

/** The guessing throttle's mark on an email's memberships (see FoundMember). */
export interface ThrottleMarks {
  /** Marks every membership of the email until `until`. */
  markThrottled(email: string, until: Date, options?: CallOptions): Promise<void>;
}

/** What the functions read and write: the three parts above, on one store. */
export interface LoyaltyRepository extends MemberDirectory, BalanceStore, ThrottleMarks {
  /**
   * Creates the tables when missing. Idempotent; safe when several instances start at once, and
   * when the identity may not create tables but they exist.
   */
  init(options?: CallOptions): Promise<void>;
  /** Cheap round trip proving the store answers. */
  ping(options?: CallOptions): Promise<void>;
}

/**
 * Which counter: the email's (every address together), or the email's from one address (the
 * address as addressKey() hashes it). A plain string is the email's.
 */
export type AttemptKey = string | { readonly email: string; readonly address?: string | undefined };

/** The email and address hash of a key. */
export function attemptKeyParts(key: AttemptKey): { email: string; address: string | undefined } {
  return typeof key === 'string'
    ? { email: key, address: undefined }
    : { ...key, address: key.address };
}

/** Failed validations of one counter within the throttle's window. */
export interface FailedAttempts {
  readonly count: number;
  readonly windowStart: Date;
}

/** What is stored for one counter, and the version a conditional write must name. */
export interface AttemptRecord {
  /** As stored, its window possibly passed; undefined when there is no row. */
  readonly attempts: FailedAttempts | undefined;
  /** Opaque version of the row (an ETag), or undefined when there is no row. */
  readonly version: string | undefined;
}

/** The guessing throttle's counter, shared by every instance. */
export interface AttemptStore {
  /** Creates the table when missing. Idempotent. */
  init(options?: CallOptions): Promise<void>;
  read(key: AttemptKey, options?: CallOptions): Promise<AttemptRecord>;
  /**
   * Writes `next` only if the row is still at `version` (undefined: only if there is none).
   * False when another writer got there first: read again and decide again.
   */
  write(
    key: AttemptKey,
    next: FailedAttempts,
    version: string | undefined,
    options?: CallOptions,
  ): Promise<boolean>;
  /** Removes the rows whose window started before `before`; returns how many. */
  prune(before: Date, options?: CallOptions): Promise<number>;
  /** Removes every counter of one email (its own and its addresses'); returns how many. */
  reset(email: string, options?: CallOptions): Promise<number>;
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
