/**
 * The neutral decision a function makes, whatever the caller's dialect: go on (with claims), let
 * the user correct what they entered, or stop them. The caller's dialect (shared/dialects/, one
 * folder each) turns it into the wire answer.
 */

/** Claims the functions return, by their neutral (custom policy) names. */
export type OutputClaims = Partial<Record<'promoCode' | 'loyaltyId' | 'balance', string>>;

export type Decision =
  | { readonly kind: 'continue'; readonly claims: OutputClaims }
  /** The user can correct what they entered. */
  | { readonly kind: 'invalid'; readonly code: string; readonly userMessage: string }
  /** The user cannot go on. */
  | { readonly kind: 'block'; readonly code: string; readonly userMessage: string };

/** The claims that have a value, under the names `rename` gives them. */
export function definedClaims(
  claims: OutputClaims,
  rename: (name: string) => string = (name) => name,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === 'string') out[rename(name)] = value;
  }
  return out;
}
