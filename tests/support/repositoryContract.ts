/**
 * One contract for every adapter of the repository port. Both the Table adapter (against
 * Azurite) and the in-memory adapter run it.
 */
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../shared/loyalty/money';
import type { LoyaltyRepository } from '../../shared/storage/repository';
import { aMember, money } from './builders';

export function repositoryContract(
  name: string,
  makeRepository: () => Promise<LoyaltyRepository>,
): void {
  describe(`${name} repository contract`, () => {
    it('finds a member by email and loyalty ID, and nothing for another pair', async () => {
      const repo = await makeRepository();
      await repo.saveMember(aMember({ email: 'ann@contoso.com', loyaltyId: 'A1' }));
      expect(await repo.findMember('ann@contoso.com', 'A1')).toEqual(
        aMember({ email: 'ann@contoso.com', loyaltyId: 'A1' }),
      );
      expect(await repo.findMember('ann@contoso.com', 'A2')).toBeUndefined();
      expect(await repo.findMember('bob@contoso.com', 'A1')).toBeUndefined();
    });

    it('matches emails trimmed and case-insensitively, and stores them normalized', async () => {
      const repo = await makeRepository();
      await repo.saveMember(aMember({ email: '  Carla@Contoso.COM ', loyaltyId: 'C1' }));
      const found = await repo.findMember('carla@contoso.com', 'C1');
      expect(found?.email).toBe('carla@contoso.com');
      expect(await repo.findMember('CARLA@contoso.com  ', 'C1')).toBeDefined();
    });

    it('keeps loyalty IDs exact: another case is another ID', async () => {
      const repo = await makeRepository();
      await repo.saveMember(aMember({ email: 'dan@contoso.com', loyaltyId: 'abc' }));
      expect(await repo.findMember('dan@contoso.com', 'ABC')).toBeUndefined();
    });

    it.each([
      'o#hash@contoso.com',
      'what?@contoso.com',
      'slash/me@contoso.com',
      'back\\slash@contoso.com',
      'plus+tag@contoso.com',
      '"quoted name"@contoso.com',
      "o'brien@contoso.com",
      'josé.müller@bücher.de',
      '用户@例子.中国',
      "x' or PartitionKey ne 'y@contoso.com",
    ])('stores and finds the email %s as a key', async (email) => {
      const repo = await makeRepository();
      await repo.saveMember(aMember({ email, loyaltyId: 'K#1/?' }));
      expect((await repo.findMember(email, 'K#1/?'))?.email).toBe(email.toLowerCase());
      expect(await repo.listMembersByEmail(email)).toHaveLength(1);
    });

    it('lists every membership of one email, ordered by loyalty ID, and no one else', async () => {
      const repo = await makeRepository();
      await repo.saveMember(
        aMember({ email: 'eve@contoso.com', loyaltyId: 'E2', status: 'suspended' }),
      );
      await repo.saveMember(aMember({ email: 'eve@contoso.com', loyaltyId: 'E1' }));
      await repo.saveMember(aMember({ email: 'eve2@contoso.com', loyaltyId: 'E3' }));
      const held = await repo.listMembersByEmail('EVE@contoso.com');
      expect(held.map((m) => [m.loyaltyId, m.status])).toEqual([
        ['E1', 'active'],
        ['E2', 'suspended'],
      ]);
      expect(await repo.listMembersByEmail('nobody@contoso.com')).toEqual([]);
    });

    it('says whether a save added, updated or changed nothing', async () => {
      const repo = await makeRepository();
      const member = aMember({ email: 'fay@contoso.com', loyaltyId: 'F1' });
      expect(await repo.saveMember(member)).toBe('added');
      expect(await repo.saveMember(member)).toBe('unchanged');
      expect(await repo.saveMember({ ...member, status: 'suspended' })).toBe('updated');
      expect((await repo.findMember('fay@contoso.com', 'F1'))?.status).toBe('suspended');
    });

    it('registers an unknown user once with the starting balance', async () => {
      const repo = await makeRepository();
      const first = await repo.getOrCreateBalance('obj-1', money('50.00'));
      expect({ balance: formatMoney(first.balance), created: first.created }).toEqual({
        balance: '50.00',
        created: true,
      });
      const again = await repo.getOrCreateBalance('obj-1', money('99.00'));
      expect({ balance: formatMoney(again.balance), created: again.created }).toEqual({
        balance: '50.00',
        created: false,
      });
    });

    it('gives concurrent first calls for one user the same balance and one registration', async () => {
      const repo = await makeRepository();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => repo.getOrCreateBalance('obj-race', money('50.00'))),
      );
      expect(new Set(results.map((r) => formatMoney(r.balance)))).toEqual(new Set(['50.00']));
      expect(results.filter((r) => r.created)).toHaveLength(1);
    });

    it('sets and reads an exact balance', async () => {
      const repo = await makeRepository();
      await repo.setBalance('obj-2', money('760.50'));
      const read = await repo.getBalance('obj-2');
      expect(read && formatMoney(read)).toBe('760.50');
      await repo.setBalance('obj-2', money('0.1'));
      const after = await repo.getOrCreateBalance('obj-2', money('50'));
      expect(formatMoney(after.balance)).toBe('0.10');
      expect(await repo.getBalance('obj-unknown')).toBeUndefined();
    });

    it('knows whether it holds any member', async () => {
      const repo = await makeRepository();
      expect(await repo.isEmpty()).toBe(true);
      await repo.saveMember(aMember());
      expect(await repo.isEmpty()).toBe(false);
    });

    it('answers a ping', async () => {
      const repo = await makeRepository();
      await expect(repo.ping()).resolves.toBeUndefined();
    });
  });
}
