/**
 * In-memory adapter of the serving repository and the admin port, for unit tests. Passes the
 * same contract suites as the Table adapters.
 */
import {
  MAX_MEMBER_PAGE_SIZE,
  type MemberAdmin,
  type SaveMembersOptions,
  type SaveOutcome,
} from '../../shared/loyalty/admin';
import { normalizeEmail } from '../../shared/loyalty/email';
import { byLoyaltyId, type LoyaltyMember } from '../../shared/loyalty/member';
import type { Money } from '../../shared/loyalty/money';
import type { BalanceLookup, FoundMember } from '../../shared/loyalty/ports';

export class MemoryLoyaltyRepository implements MemberAdmin {
  private readonly members = new Map<string, Map<string, LoyaltyMember>>();
  private readonly balances = new Map<string, Money>();
  /** The throttle's mark per normalized email and loyalty ID, as the Table adapter keeps it. */
  private readonly marks = new Map<string, Map<string, Date>>();

  async init(): Promise<void> {}

  async findMember(email: string, loyaltyId: string): Promise<FoundMember | undefined> {
    const normalized = normalizeEmail(email);
    const member = this.members.get(normalized)?.get(loyaltyId);
    const mark = this.marks.get(normalized)?.get(loyaltyId);
    if (member === undefined || mark === undefined) return member;
    return { ...member, throttledUntil: mark };
  }

  async markThrottled(email: string, until: Date): Promise<void> {
    const normalized = normalizeEmail(email);
    const marks = this.marks.get(normalized) ?? new Map<string, Date>();
    for (const loyaltyId of this.members.get(normalized)?.keys() ?? []) marks.set(loyaltyId, until);
    this.marks.set(normalized, marks);
  }

  async listMembersByEmail(email: string): Promise<LoyaltyMember[]> {
    const held = this.members.get(normalizeEmail(email));
    if (held === undefined) return [];
    return [...held.values()].sort(byLoyaltyId);
  }

  async saveMember(member: LoyaltyMember): Promise<SaveOutcome> {
    const email = normalizeEmail(member.email);
    const next: LoyaltyMember = { ...member, email };
    let held = this.members.get(email);
    if (held === undefined) {
      held = new Map();
      this.members.set(email, held);
    }
    const existing = held.get(member.loyaltyId);
    if (
      existing !== undefined &&
      existing.promoCode === next.promoCode &&
      existing.status === next.status
    ) {
      return 'unchanged';
    }
    held.set(member.loyaltyId, next);
    return existing === undefined ? 'added' : 'updated';
  }

  async removeMembers(email: string, loyaltyId?: string): Promise<string[]> {
    const held = this.members.get(normalizeEmail(email));
    const removed = [...(held?.keys() ?? [])].filter(
      (id) => loyaltyId === undefined || id === loyaltyId,
    );
    for (const id of removed) held?.delete(id);
    if (held?.size === 0) this.members.delete(normalizeEmail(email));
    return removed.sort();
  }

  async saveMembers(
    members: readonly LoyaltyMember[],
    options: SaveMembersOptions = {},
  ): Promise<SaveOutcome[]> {
    const outcomes: SaveOutcome[] = [];
    for (const member of members) {
      outcomes.push(await this.saveMember(member));
      options.onProgress?.(outcomes.length);
    }
    return outcomes;
  }

  async *listMembers(pageSize = MAX_MEMBER_PAGE_SIZE): AsyncIterable<LoyaltyMember[]> {
    const size = Math.max(1, Math.min(MAX_MEMBER_PAGE_SIZE, Math.floor(pageSize)));
    const all = [...this.members.keys()]
      .sort()
      .flatMap((email) => [...(this.members.get(email)?.values() ?? [])].sort(byLoyaltyId));
    for (let start = 0; start < all.length; start += size) yield all.slice(start, start + size);
  }

  async isEmpty(): Promise<boolean> {
    return this.members.size === 0;
  }

  async getBalance(objectId: string): Promise<Money | undefined> {
    return this.balances.get(objectId);
  }

  async getOrCreateBalance(objectId: string, starting: Money): Promise<BalanceLookup> {
    const existing = this.balances.get(objectId);
    if (existing !== undefined) return { balance: existing, created: false };
    this.balances.set(objectId, starting);
    return { balance: starting, created: true };
  }

  async setBalance(objectId: string, balance: Money): Promise<void> {
    this.balances.set(objectId, balance);
  }

  async ping(): Promise<void> {}
}
