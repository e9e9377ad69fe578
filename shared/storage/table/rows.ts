/**
 * Reading stored rows: one parser per table, the only place a row becomes a domain value. A row
 * that does not have the shape the app writes (a property missing or of another type, an amount
 * that is not a decimal, an unknown status) is a StorageCorruptError naming the table and a hash
 * of the row's keys, never the keys or a value.
 */
import { createHash } from 'node:crypto';
import { MEMBER_STATUSES, type LoyaltyMember, type MemberStatus } from '../../loyalty/member';
import { parseMoney, type Money } from '../../loyalty/money';
import { StorageCorruptError, type FailedAttempts, type FoundMember } from '../../loyalty/ports';

// A type, not an interface: the SDK's transaction actions want an index signature.
/** A row of the members table, as the app writes it. */
export type MemberEntity = {
  email: string;
  loyaltyId: string;
  promoCode: string;
  status: string;
  /** ISO 8601: guessing for this email is throttled until then (shared/loyalty/throttle.ts). */
  throttledUntil?: string;
};

/** A row of the balances table: the amount as exact decimal text ("760.50"). */
export interface BalanceEntity {
  objectId: string;
  balance: string;
}

/** The row key of a balance (its partition key is key(objectId)). */
export const BALANCE_ROW = 'balance';

/** The properties a member is stored with (its email normalized by the caller). */
export function memberEntity(member: LoyaltyMember, email: string): MemberEntity {
  return { email, loyaltyId: member.loyaltyId, promoCode: member.promoCode, status: member.status };
}

/** Whether a stored row holds the member `next` (the throttle's mark aside). */
export function sameMember(stored: Partial<MemberEntity>, next: MemberEntity): boolean {
  return (
    stored.email === next.email &&
    stored.loyaltyId === next.loyaltyId &&
    stored.promoCode === next.promoCode &&
    stored.status === next.status
  );
}

/** What every row read from the SDK has besides its properties. */
interface RowKeys {
  readonly partitionKey?: string;
  readonly rowKey?: string;
}

/** A short, stable hash of a row's keys: enough to find the row, nothing to learn from it. */
export function keyHash(row: RowKeys): string {
  return createHash('sha256')
    .update(`${row.partitionKey ?? ''}\u0000${row.rowKey ?? ''}`, 'utf8')
    .digest('hex')
    .slice(0, 16);
}

function corrupt(table: string, row: RowKeys, problem: string): StorageCorruptError {
  return new StorageCorruptError(table, keyHash(row), problem);
}

type Row = Readonly<Record<string, unknown>> & RowKeys;

function text(row: Row, name: string, table: string): string {
  const value = row[name];
  if (typeof value !== 'string' || value === '') {
    throw corrupt(table, row, `${name} is ${value === undefined ? 'missing' : 'not a text'}`);
  }
  return value;
}

function instant(row: Row, name: string, table: string): Date {
  const value = row[name];
  const date = typeof value === 'string' ? new Date(value) : value instanceof Date ? value : null;
  if (date === null || Number.isNaN(date.getTime())) {
    throw corrupt(table, row, `${name} is not a date`);
  }
  return date;
}

/** A member as listings give it: the throttle's mark is the point read's business. */
export function withoutMark(member: FoundMember): LoyaltyMember {
  return {
    email: member.email,
    loyaltyId: member.loyaltyId,
    promoCode: member.promoCode,
    status: member.status,
  };
}

/** A row of the members table (LOYALTY_TABLE_NAME). */
export function memberFromRow(entity: object, table: string): FoundMember {
  const row = entity as Row;
  const status = text(row, 'status', table) as MemberStatus;
  if (!MEMBER_STATUSES.includes(status)) {
    throw corrupt(table, row, `status is not one of ${MEMBER_STATUSES.join(', ')}`);
  }
  const member = {
    email: text(row, 'email', table),
    loyaltyId: text(row, 'loyaltyId', table),
    promoCode: text(row, 'promoCode', table),
    status,
  };
  if (row.throttledUntil === undefined || row.throttledUntil === null) return member;
  return { ...member, throttledUntil: instant(row, 'throttledUntil', table) };
}

/** A row of the balances table (BALANCES_TABLE_NAME): the amount as exact decimal text. */
export function balanceFromRow(entity: object, table: string): Money {
  const row = entity as Row;
  const parsed = parseMoney(text(row, 'balance', table));
  if (!parsed.ok) throw corrupt(table, row, 'balance is not an amount like 12.34');
  return parsed.value;
}

/** A row of the throttle's table (FAILED_VALIDATIONS_TABLE_NAME). */
export function attemptsFromRow(entity: object, table: string): FailedAttempts {
  const row = entity as Row;
  const count = row.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw corrupt(table, row, 'count is not a whole number');
  }
  return { count, windowStart: instant(row, 'windowStart', table) };
}
