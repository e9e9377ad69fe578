/** Emails are compared trimmed, in Unicode NFC, lower-case. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** The part after the last `@`, for logs that must not carry the address itself. */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at === -1 ? '(none)' : normalizeEmail(email.slice(at + 1));
}
