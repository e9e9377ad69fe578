/** One contract for both adapters of the attempt store (in-memory, and Table on Azurite). */
import { describe, expect, it } from 'vitest';
import type { AttemptStore } from '../../shared/storage/attempts';

const MINUTE = 60_000;
const T0 = new Date('2026-11-22T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

export function attemptStoreContract(name: string, makeStore: () => Promise<AttemptStore>): void {
  describe(`${name} attempt store contract`, () => {
    it('counts failures per email (normalized) within the window', async () => {
      const store = await makeStore();
      expect((await store.current('a@contoso.com', T0, 15 * MINUTE)).failures).toBeUndefined();
      await store.recordFailure('a@contoso.com', T0, 15 * MINUTE);
      const second = await store.recordFailure(' A@Contoso.com', at(1), 15 * MINUTE);
      expect(second).toEqual({ count: 2, windowStart: T0 });
      expect((await store.current('a@contoso.com', at(2), 15 * MINUTE)).failures).toEqual({
        count: 2,
        windowStart: T0,
      });
      expect((await store.current('b@contoso.com', at(2), 15 * MINUTE)).failures).toBeUndefined();
    });

    it('forgets the failures once the window has passed, and opens a new one', async () => {
      const store = await makeStore();
      await store.recordFailure('c@contoso.com', T0, 15 * MINUTE);
      await store.recordFailure('c@contoso.com', at(5), 15 * MINUTE);
      expect((await store.current('c@contoso.com', at(15), 15 * MINUTE)).failures).toBeUndefined();
      expect(await store.recordFailure('c@contoso.com', at(16), 15 * MINUTE)).toEqual({
        count: 1,
        windowStart: at(16),
      });
    });

    it('counts a failure from the snapshot current() returned, and stays right when it is stale', async () => {
      const store = await makeStore();
      const before = await store.current('e@contoso.com', T0, 15 * MINUTE);
      await store.recordFailure('e@contoso.com', T0, 15 * MINUTE, before);
      // Another instance counted one meanwhile: this snapshot is stale, the count still right.
      const stale = await store.current('e@contoso.com', at(1), 15 * MINUTE);
      await store.recordFailure('e@contoso.com', at(1), 15 * MINUTE);
      expect(await store.recordFailure('e@contoso.com', at(2), 15 * MINUTE, stale)).toEqual({
        count: 3,
        windowStart: T0,
      });
    });

    it('counts every one of concurrent failures', async () => {
      const store = await makeStore();
      await Promise.all(
        Array.from({ length: 10 }, () => store.recordFailure('d@contoso.com', T0, 15 * MINUTE)),
      );
      expect((await store.current('d@contoso.com', T0, 15 * MINUTE)).failures?.count).toBe(10);
    });
  });
}
