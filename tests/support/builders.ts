import type { LoyaltyMember } from '../../shared/loyalty/member';
import { parseMoney, type Money } from '../../shared/loyalty/money';

export function aMember(overrides: Partial<LoyaltyMember> = {}): LoyaltyMember {
  return {
    email: 'david@contoso.com',
    loyaltyId: '5678',
    promoCode: 'WELCOME10',
    status: 'active',
    ...overrides,
  };
}

export function money(text: string): Money {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(`bad amount in test: ${text}`);
  return parsed.value;
}
