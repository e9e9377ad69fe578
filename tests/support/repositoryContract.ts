/**
 * One contract for every adapter of the repository port. Both the Table adapter (against
 * Azurite) and the in-memory adapter run it.
 */
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../shared/loyalty/money';
import type { LoyaltyMember } from '../../shared/loyalty/member';
import type { MemberAdmin } from '../../shared/loyalty/admin';
import { aMember, money } from './builders';

export function repositoryContract(name: string, makeRepository: () => Promise<MemberAdmin>): void {
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

    it("keeps one email's memberships apart from an email that extends it", async () => {
      const repo = await makeRepository();
      // base64url('ab@c.d') is a prefix of base64url('ab@c.de'): the row ranges must not overlap.
      await repo.saveMember(aMember({ email: 'ab@c.d', loyaltyId: 'P1' }));
      await repo.saveMember(aMember({ email: 'ab@c.de', loyaltyId: 'P2' }));
      expect((await repo.listMembersByEmail('ab@c.d')).map((m) => m.loyaltyId)).toEqual(['P1']);
      expect((await repo.listMembersByEmail('ab@c.de')).map((m) => m.loyaltyId)).toEqual(['P2']);
      expect(await repo.findMember('ab@c.d', 'P2')).toBeUndefined();
    });

    it('says whether a save added, updated or changed nothing', async () => {
      const repo = await makeRepository();
      const member = aMember({ email: 'fay@contoso.com', loyaltyId: 'F1' });
      expect(await repo.saveMember(member)).toBe('added');
      expect(await repo.saveMember(member)).toBe('unchanged');
      expect(await repo.saveMember({ ...member, status: 'suspended' })).toBe('updated');
      expect((await repo.findMember('fay@contoso.com', 'F1'))?.status).toBe('suspended');
    });

    it('saves many members, reporting each outcome as saving them one by one would', async () => {
      const repo = await makeRepository();
      await repo.saveMember(aMember({ email: 'gil@contoso.com', loyaltyId: 'G1' }));
      await repo.saveMember(aMember({ email: 'gil@contoso.com', loyaltyId: 'G2' }));
      const batch: LoyaltyMember[] = [
        aMember({ email: 'gil@contoso.com', loyaltyId: 'G1' }),
        aMember({ email: 'GIL@contoso.com ', loyaltyId: 'G2', status: 'suspended' }),
        aMember({ email: 'hal@contoso.com', loyaltyId: 'H1' }),
        aMember({ email: 'hal@contoso.com', loyaltyId: 'H1' }),
        aMember({ email: 'ida@contoso.com', loyaltyId: 'I1', promoCode: 'FIRST' }),
        aMember({ email: 'ida@contoso.com', loyaltyId: 'I1', promoCode: 'LAST' }),
        aMember({ email: 'o#hash?/x@bücher.de', loyaltyId: 'K#1/?' }),
      ];
      const progress: number[] = [];
      const outcomes = await repo.saveMembers(batch, { onProgress: (n) => progress.push(n) });
      expect(outcomes).toEqual([
        'unchanged',
        'updated',
        'added',
        'unchanged',
        'added',
        'updated',
        'added',
      ]);
      expect(progress.at(-1)).toBe(batch.length);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect((await repo.findMember('gil@contoso.com', 'G2'))?.status).toBe('suspended');
      expect((await repo.findMember('ida@contoso.com', 'I1'))?.promoCode).toBe('LAST');
      expect((await repo.findMember('o#hash?/x@bücher.de', 'K#1/?'))?.email).toBe(
        'o#hash?/x@bücher.de',
      );
      expect(await repo.saveMembers(batch)).toEqual([
        'unchanged',
        'unchanged',
        'unchanged',
        'unchanged',
        'updated',
        'updated',
        'unchanged',
      ]);
      expect(await repo.saveMembers([])).toEqual([]);
    });

    it('saves more memberships of one email than one transaction holds', async () => {
      const repo = await makeRepository();
      const many = Array.from({ length: 150 }, (_, i) =>
        aMember({ email: 'jo@contoso.com', loyaltyId: `J${String(i).padStart(3, '0')}` }),
      );
      await repo.saveMember(aMember({ email: 'jo@contoso.com', loyaltyId: 'J007' }));
      const changed = many.map((m, i) => (i % 50 === 0 ? { ...m, promoCode: 'NEW' } : m));
      const outcomes = await repo.saveMembers(changed);
      expect(outcomes.filter((o) => o === 'added')).toHaveLength(149);
      expect(outcomes[7]).toBe('unchanged');
      const held = await repo.listMembersByEmail('jo@contoso.com');
      expect(held).toHaveLength(150);
      expect(held.filter((m) => m.promoCode === 'NEW').map((m) => m.loyaltyId)).toEqual([
        'J000',
        'J050',
        'J100',
      ]);
    });

    it('lists every member exactly once, page by page, grouped by email', async () => {
      const repo = await makeRepository();
      const stored = [
        aMember({ email: 'kim@contoso.com', loyaltyId: 'K2' }),
        aMember({ email: 'kim@contoso.com', loyaltyId: 'K1', status: 'suspended' }),
        aMember({ email: 'lee@contoso.com', loyaltyId: 'L1' }),
        aMember({ email: '用户@例子.中国', loyaltyId: 'U,"1"' }),
        aMember({ email: 'max@contoso.com', loyaltyId: 'M1' }),
      ];
      await repo.saveMembers(stored);
      const pages: LoyaltyMember[][] = [];
      for await (const page of repo.listMembers(2)) pages.push(page);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      const listed = pages.flat();
      const byKey = (m: LoyaltyMember): string => `${m.email} ${m.loyaltyId}`;
      expect(listed.map(byKey).sort()).toEqual(stored.map(byKey).sort());
      expect(listed.find((m) => m.loyaltyId === 'K1')).toEqual(stored[1]);
      const emails = listed.map((m) => m.email);
      expect(emails.indexOf('kim@contoso.com') + 1).toBe(emails.lastIndexOf('kim@contoso.com'));
      const all: LoyaltyMember[] = [];
      for await (const page of repo.listMembers()) all.push(...page);
      expect(all).toHaveLength(stored.length);
    });

    it('lists nothing from an empty store', async () => {
      const repo = await makeRepository();
      const pages: LoyaltyMember[][] = [];
      for await (const page of repo.listMembers()) pages.push(page);
      expect(pages.flat()).toEqual([]);
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
