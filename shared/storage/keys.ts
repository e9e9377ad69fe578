import { createHash } from 'node:crypto';

/**
 * Table keys forbid `/ \ # ?` and control characters and are limited to 1 KiB, but an email
 * may legally contain `#`, `?`, `/` and non-ASCII. Keys are therefore base64url of the UTF-8
 * text (alphabet A-Z a-z 0-9 - _), or, for very long values, `~` and a SHA-256 (never a
 * base64url character, so the two forms cannot collide).
 */
export function encodeKey(value: string): string {
  const encoded = Buffer.from(value, 'utf8').toString('base64url');
  if (encoded.length <= 512) return encoded;
  return `~${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}
