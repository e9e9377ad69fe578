/**
 * The business rules, as verdicts. No HTTP, no SDK types: functions turn verdicts into
 * decisions, and the dialect adapters turn decisions into wire answers.
 */
import type {
  AttemptStore,
  BalanceStore,
  CallOptions,
  FoundMember,
  MemberDirectory,
  ThrottleMarks,
} from './ports';
import { formatMoney, type Money } from './money';
import {
  countersOf,
  countFailure,
  readCounters,
  type Budget,
  type CounterBreaker,
  type ThrottlePolicy,
} from './throttle';

/** Sign-up: is this loyalty ID registered to this email? */
export type SignUpVerdict =
  | { readonly outcome: 'promo'; readonly promoCode: string }
  | { readonly outcome: 'notAssociated' }
  | { readonly outcome: 'suspended' }
  /** Too many failed validations for this email (or address) in the window: no answer either way. */
  | { readonly outcome: 'throttled' };

export interface Throttle extends ThrottlePolicy {
  readonly attempts: AttemptStore;
  readonly breaker: CounterBreaker;
  /** The user's IP address as addressKey() hashes it, when the call carries one. */
  readonly address?: string | undefined;
}

function verdictOf(member: FoundMember): SignUpVerdict {
  if (member.status === 'suspended') return { outcome: 'suspended' };
  return { outcome: 'promo', promoCode: member.promoCode };
}

/**
 * Checks the pair, unless guessing for this email (from this address) is throttled: after the
 * limits of shared/loyalty/throttle.ts, every check answers `throttled` until the window has
 * passed, a right guess included, after the same storage calls as a wrong one. A right pair
 * costs one point read (while its membership carries no mark); a wrong one is counted before it
 * is answered. While a counter failure holds the breaker, every pair is StorageUnavailable.
 */
export async function checkLoyaltyId(
  repository: MemberDirectory & ThrottleMarks,
  throttle: Throttle,
  email: string,
  loyaltyId: string,
  budget?: Budget,
): Promise<SignUpVerdict> {
  const { breaker, now } = throttle;
  breaker.refuseWhileOpen(now);
  const options = { signal: budget?.signal };
  const member = await repository.findMember(email, loyaltyId.trim(), options);
  const marked = member?.throttledUntil !== undefined && member.throttledUntil > now;
  if (member !== undefined && !marked && !breaker.probing) return verdictOf(member);

  const counters = countersOf(email, throttle.address, throttle);
  const reading = await breaker.guard(now, budget?.signal, () =>
    readCounters(throttle.attempts, counters, throttle, options),
  );
  if (reading.throttled) return { outcome: 'throttled' };
  if (member !== undefined) return verdictOf(member);
  const counted = await breaker.guard(now, budget?.signal, () =>
    countFailure(
      throttle.attempts,
      repository,
      email,
      { counters, records: reading.records },
      throttle,
      budget,
    ),
  );
  return counted === 'counted' ? { outcome: 'notAssociated' } : { outcome: 'throttled' };
}

/** What membership an email holds: the first active one, else whether all are suspended. */
export type MembershipVerdict =
  | { readonly outcome: 'member'; readonly loyaltyId: string; readonly promoCode: string }
  | { readonly outcome: 'suspended' }
  | { readonly outcome: 'none' };

export async function membershipOf(
  repository: MemberDirectory,
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
  repository: BalanceStore,
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
