import { createHash } from 'node:crypto';

/**
 * Table keys forbid `/ \ # ?` and control characters and are limited to 1 KiB, but an email
 * may legally contain `#`, `?`, `/` and non-ASCII. Keys are therefore base64url of the UTF-8
 * text (alphabet A-Z a-z 0-9 - _), or, for very long values, `~` and a SHA-256 (never a
 * base64url character, so the two forms cannot collide).
 */
export function encodeKey(value: string, maxLength = 512): string {
  const encoded = Buffer.from(value, 'utf8').toString('base64url');
  if (encoded.length <= maxLength) return encoded;
  return `~${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

/** A member's keys. The email and loyalty ID parts stay short enough for the 1 KiB key limit. */
export interface MemberKeys {
  readonly partitionKey: string;
  readonly rowKey: string;
}

const MEMBER_PART_MAX = 400;

/**
 * Members live in 256 partitions chosen by a hash of the email (`m00`…`mff`), the row key being
 * key(email) `|` key(loyaltyId). "Is this ID registered to this email" stays one point read, all
 * memberships of an email are one row range of one partition, and an import can write up to 100
 * rows of a partition in one transaction: with the email as partition it could not group rows
 * at all, as a transaction never spans partitions.
 */
export function memberKeys(normalizedEmail: string, loyaltyId: string): MemberKeys {
  return {
    partitionKey: memberPartition(normalizedEmail),
    rowKey: `${encodeKey(normalizedEmail, MEMBER_PART_MAX)}|${encodeKey(loyaltyId, MEMBER_PART_MAX)}`,
  };
}

export function memberPartition(normalizedEmail: string): string {
  return `m${createHash('sha256').update(normalizedEmail, 'utf8').digest('hex').slice(0, 2)}`;
}

/**
 * The row keys of one email's memberships: [from, to). `|` sorts after every character an
 * encoded key holds but `~`, which only ever starts a (fixed-length) hashed key, so no other
 * email's rows fall inside.
 */
export function emailRowRange(normalizedEmail: string): { from: string; to: string } {
  const email = encodeKey(normalizedEmail, MEMBER_PART_MAX);
  return { from: `${email}|`, to: `${email}}` };
}
