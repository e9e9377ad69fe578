/**
 * The loyalty member: who holds which loyalty ID, with which promo code, and whether the
 * membership is active. Checking one before it is stored (the CLI's add and import) lives here,
 * with the limit every stored text keeps.
 */
import { normalizeEmail } from './email';

export type MemberStatus = 'active' | 'suspended';
export const MEMBER_STATUSES: readonly MemberStatus[] = ['active', 'suspended'];

export interface LoyaltyMember {
  /** Normalized: trimmed, NFC, lower-case. */
  readonly email: string;
  readonly loyaltyId: string;
  readonly promoCode: string;
  readonly status: MemberStatus;
}

/** The longest text a member field (and so a claim the API reads) may be. */
export const MAX_FIELD_LENGTH = 256;

/** The order memberships of one email are listed in: by loyalty ID, code unit order. */
export function byLoyaltyId(a: LoyaltyMember, b: LoyaltyMember): number {
  return a.loyaltyId < b.loyaltyId ? -1 : a.loyaltyId > b.loyaltyId ? 1 : 0;
}

export interface MemberFields {
  readonly email?: string | undefined;
  readonly loyaltyId?: string | undefined;
  readonly promoCode?: string | undefined;
  readonly status?: string | undefined;
}

export type MemberCheck =
  | { readonly ok: true; readonly value: LoyaltyMember }
  | { readonly ok: false; readonly reason: string };

// Control characters are exactly what this looks for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(name: string, value: string | undefined): string | { reason: string } {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return { reason: `${name} is missing` };
  if (trimmed.length > MAX_FIELD_LENGTH)
    return { reason: `${name} is longer than ${MAX_FIELD_LENGTH} characters` };
  if (CONTROL.test(trimmed)) return { reason: `${name} contains control characters` };
  return trimmed;
}

export function checkMember(fields: MemberFields): MemberCheck {
  const email = text('email', fields.email);
  if (typeof email !== 'string') return { ok: false, ...email };
  const at = email.lastIndexOf('@');
  if (at <= 0 || !/^[^@\s]+$/.test(email.slice(at + 1))) {
    return { ok: false, reason: 'email is not an email address' };
  }
  const loyaltyId = text('loyaltyId', fields.loyaltyId);
  if (typeof loyaltyId !== 'string') return { ok: false, ...loyaltyId };
  const promoCode = text('promoCode', fields.promoCode);
  if (typeof promoCode !== 'string') return { ok: false, ...promoCode };
  const status = (fields.status?.trim().toLowerCase() || 'active') as MemberStatus;
  if (!MEMBER_STATUSES.includes(status)) {
    return { ok: false, reason: `status must be ${MEMBER_STATUSES.join(' or ')}` };
  }
  return { ok: true, value: { email: normalizeEmail(email), loyaltyId, promoCode, status } };
}

const FIELDS = ['email', 'loyaltyId', 'promoCode', 'status'] as const;

/**
 * Checks one JSON Lines value: an object whose fields email, loyaltyId, promoCode and
 * (optionally) status are strings; other fields are ignored, as extra CSV columns are.
 */
export function checkMemberJson(value: unknown): MemberCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'is not a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const name of FIELDS) {
    const field = record[name];
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string') return { ok: false, reason: `${name} must be a JSON string` };
    fields[name] = field;
  }
  return checkMember(fields);
}
