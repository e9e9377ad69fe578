/**
 * Exact decimal amounts with two fraction digits, held as integer cents (bigint).
 * Balances never pass through a binary float.
 */
export type Money = { readonly cents: bigint };

const MONEY = /^(\d{1,15})(?:\.(\d{1,2}))?$/;

export type MoneyParse =
  { readonly ok: true; readonly value: Money } | { readonly ok: false; readonly reason: string };

/** Parses "760.5", "760.50" or "760" (non-negative, at most two decimals). */
export function parseMoney(text: string): MoneyParse {
  const match = MONEY.exec(text.trim());
  if (!match) {
    return {
      ok: false,
      reason: 'is not an amount like 12.34 (non-negative, at most 15 digits and 2 decimals)',
    };
  }
  const whole = BigInt(match[1] ?? '0');
  const fraction = BigInt((match[2] ?? '').padEnd(2, '0'));
  return { ok: true, value: { cents: whole * 100n + fraction } };
}

/** "760.50": always two decimals. */
export function formatMoney(money: Money): string {
  const whole = money.cents / 100n;
  const fraction = money.cents % 100n;
  return `${whole}.${fraction.toString().padStart(2, '0')}`;
}
