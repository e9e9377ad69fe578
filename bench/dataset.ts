/**
 * The users the benchmark loads and asks about. Deterministic, so every answer is known in
 * advance and each response can be checked byte for byte (a degraded answer, such as a 200
 * without `balance`, is then counted as an error rather than as a fast success).
 */
import { parseMoney, type Money } from '../shared/loyalty/money';
import type { MemberAdmin } from '../shared/loyalty/admin';

export interface BenchUser {
  readonly email: string;
  readonly loyaltyId: string;
  readonly promoCode: string;
  readonly objectId: string;
  /** Two decimals, as the API answers it. */
  readonly balance: string;
}

export function benchUser(index: number): BenchUser {
  const cents = (index * 7919) % 10_000_000;
  return {
    email: `member${index}@bench.example`,
    loyaltyId: String(100_000 + index),
    promoCode: `PROMO${index}`,
    objectId: `b0000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    balance: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
  };
}

export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, index) => benchUser(index));
}

function money(text: string): Money {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(`bench data: "${text}" ${parsed.reason}`);
  return parsed.value;
}

/** Runs `work` over `items` with at most `limit` in flight (Azurite is one process too). */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The part of the repository the loader uses (the port grows while others work on it). */
export type UserLoader = Pick<MemberAdmin, 'init' | 'saveMember' | 'setBalance'>;

/** Every user as an active member with a balance, through the app's own repository. */
export async function loadUsers(
  repository: UserLoader,
  users: readonly BenchUser[],
): Promise<void> {
  await repository.init();
  await inParallel(users, 16, async (user) => {
    await repository.saveMember({
      email: user.email,
      loyaltyId: user.loyaltyId,
      promoCode: user.promoCode,
      status: 'active',
    });
    await repository.setBalance(user.objectId, money(user.balance));
  });
}
