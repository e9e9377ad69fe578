/**
 * Demo members and balances seeded by `npm start` into an empty store, so that every curl
 * example in the README answers exactly as shown. Listed in the README.
 */
import { parseMoney, type Money } from '../shared/loyalty/money';
import type { LoyaltyMember } from '../shared/loyalty/member';
import type { MemberAdmin } from '../shared/loyalty/admin';

export const DEMO_MEMBERS: readonly LoyaltyMember[] = [
  { email: 'david@contoso.com', loyaltyId: '5678', promoCode: 'SPRING24', status: 'active' },
  { email: 'emily@outlook.com', loyaltyId: '24534', promoCode: '84362', status: 'active' },
  { email: 'sam@fabrikam.com', loyaltyId: '9001', promoCode: 'NOPROMO', status: 'suspended' },
];

function amount(text: string): Money {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(`demo balance ${text} ${parsed.reason}`);
  return parsed.value;
}

export const DEMO_BALANCES: readonly { objectId: string; balance: Money }[] = [
  { objectId: '11111111-0000-0000-0000-000000000000', balance: amount('760.50') },
  { objectId: 'ab3ec3b2-a435-45e4-b93a-56a005e88bb7', balance: amount('202.75') },
];

/** Seeds the demo data when the store holds no member; true when it did. */
export async function seedDemoData(repository: MemberAdmin): Promise<boolean> {
  await repository.init();
  if (!(await repository.isEmpty())) return false;
  for (const member of DEMO_MEMBERS) await repository.saveMember(member);
  for (const { objectId, balance } of DEMO_BALANCES) await repository.setBalance(objectId, balance);
  return true;
}
