/**
 * The business rules, as verdicts. No HTTP, no SDK types: functions turn verdicts into
 * decisions, and the dialect adapters turn decisions into wire answers.
 */
import type { AttemptStore, CallOptions, LoyaltyRepository } from './ports';
import { formatMoney, type Money } from './money';
import { countFailure, type Budget, type ThrottlePolicy } from './throttle';

/** Sign-up: is this loyalty ID registered to this email? */
export type SignUpVerdict =
  | { readonly outcome: 'promo'; readonly promoCode: string }
  | { readonly outcome: 'notAssociated' }
  | { readonly outcome: 'suspended' }
  /** Too many failed validations for this email in the window: no answer either way. */
  | { readonly outcome: 'throttled' };

export interface Throttle extends ThrottlePolicy {
  readonly attempts: AttemptStore;
}

/**
 * Checks the pair, unless guessing for this email is throttled: after `maxFailures` failed
 * validations within the window, every check answers `throttled` until the window has passed
 * (a right guess included, or guessing would still pay). A right pair costs one point read; a
 * wrong one is counted (shared/loyalty/throttle.ts) before it is answered.
 */
export async function checkLoyaltyId(
  repository: LoyaltyRepository,
  throttle: Throttle,
  email: string,
  loyaltyId: string,
  budget?: Budget,
): Promise<SignUpVerdict> {
  const options = { signal: budget?.signal };
  const member = await repository.findMember(email, loyaltyId.trim(), options);
  if (member === undefined) {
    const counted = await countFailure(throttle.attempts, repository, email, throttle, budget);
    return counted === 'counted' ? { outcome: 'notAssociated' } : { outcome: 'throttled' };
  }
  if (member.throttledUntil !== undefined && member.throttledUntil > throttle.now) {
    return { outcome: 'throttled' };
  }
  if (member.status === 'suspended') return { outcome: 'suspended' };
  return { outcome: 'promo', promoCode: member.promoCode };
}

/** What membership an email holds: the first active one, else whether all are suspended. */
export type MembershipVerdict =
  | { readonly outcome: 'member'; readonly loyaltyId: string; readonly promoCode: string }
  | { readonly outcome: 'suspended' }
  | { readonly outcome: 'none' };

export async function membershipOf(
  repository: LoyaltyRepository,
  email: string,
  options?: CallOptions,
): Promise<MembershipVerdict> {
  const held = await repository.listMembersByEmail(email, options);
  const active = held.find((m) => m.status === 'active');
  if (active !== undefined) {
    return { outcome: 'member', loyaltyId: active.loyaltyId, promoCode: active.promoCode };
  }
  return held.length > 0 ? { outcome: 'suspended' } : { outcome: 'none' };
}

/** The user's balance; an unknown user is registered once with the starting balance. */
export type BalanceVerdict = {
  readonly outcome: 'existing' | 'registered';
  /** Two decimals, e.g. "760.50". */
  readonly balance: string;
};

export async function balanceOf(
  repository: LoyaltyRepository,
  objectId: string,
  startingBalance: Money,
  options?: CallOptions,
): Promise<BalanceVerdict> {
  const found = await repository.getOrCreateBalance(objectId.trim(), startingBalance, options);
  return {
    outcome: found.created ? 'registered' : 'existing',
    balance: formatMoney(found.balance),
  };
}
