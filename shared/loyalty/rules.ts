/**
 * The business rules, as verdicts. No HTTP, no SDK types: functions turn verdicts into
 * decisions, and the dialect adapters turn decisions into wire answers.
 */
import type { AttemptStore } from '../storage/attempts';
import type { LoyaltyRepository } from '../storage/repository';
import { formatMoney, type Money } from './money';

/** Sign-up: is this loyalty ID registered to this email? */
export type SignUpVerdict =
  | { readonly outcome: 'promo'; readonly promoCode: string }
  | { readonly outcome: 'notAssociated' }
  | { readonly outcome: 'suspended' }
  /** Too many failed validations for this email in the window: no answer either way. */
  | { readonly outcome: 'throttled' };

export interface ThrottlePolicy {
  readonly attempts: AttemptStore;
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly now: Date;
}

/**
 * Checks the pair, unless guessing for this email is throttled: after `maxFailures` failed
 * validations within the window, every check answers `throttled` until the window has passed
 * (a right guess included, or guessing would still pay).
 */
export async function checkLoyaltyId(
  repository: LoyaltyRepository,
  throttle: ThrottlePolicy,
  email: string,
  loyaltyId: string,
): Promise<SignUpVerdict> {
  const [attempts, member] = await Promise.all([
    throttle.attempts.current(email, throttle.now, throttle.windowMs),
    repository.findMember(email, loyaltyId.trim()),
  ]);
  const failures = attempts.failures;
  if (failures !== undefined && failures.count >= throttle.maxFailures) {
    return { outcome: 'throttled' };
  }
  if (member === undefined) {
    // With the snapshot just read, the count is written without reading it again.
    await throttle.attempts.recordFailure(email, throttle.now, throttle.windowMs, attempts);
    return { outcome: 'notAssociated' };
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
): Promise<MembershipVerdict> {
  const held = await repository.listMembersByEmail(email);
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
): Promise<BalanceVerdict> {
  const found = await repository.getOrCreateBalance(objectId.trim(), startingBalance);
  return {
    outcome: found.created ? 'registered' : 'existing',
    balance: formatMoney(found.balance),
  };
}
