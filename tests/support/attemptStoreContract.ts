/** One contract for both adapters of the attempt store (in-memory, and Table on Azurite). */
import { describe, expect, it } from 'vitest';
import type { AttemptStore } from '../../shared/loyalty/ports';

const T0 = new Date('2026-11-22T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export function attemptStoreContract(name: string, makeStore: () => Promise<AttemptStore>): void {
  describe(`${name} attempt store contract`, () => {
    it('reads nothing, and no version, for an email never counted', async () => {
      const store = await makeStore();
      expect(await store.read('nobody@contoso.com')).toEqual({
        attempts: undefined,
        version: undefined,
      });
    });

    it('writes a first count only where there is none, then only on the version read', async () => {
      const store = await makeStore();
      expect(await store.write('a@contoso.com', { count: 1, windowStart: T0 }, undefined)).toBe(
        true,
      );
      expect(await store.write('a@contoso.com', { count: 1, windowStart: T0 }, undefined)).toBe(
        false,
      );
      const first = await store.read(' A@Contoso.com');
      expect(first.attempts).toEqual({ count: 1, windowStart: T0 });
      expect(await store.write('a@contoso.com', { count: 2, windowStart: T0 }, first.version)).toBe(
        true,
      );
      // The version read before that write is stale now.
      expect(await store.write('a@contoso.com', { count: 9, windowStart: T0 }, first.version)).toBe(
        false,
      );
      expect((await store.read('a@contoso.com')).attempts).toEqual({ count: 2, windowStart: T0 });
      expect((await store.read('b@contoso.com')).attempts).toBeUndefined();
    });

    it('lets exactly one of concurrent writers on one version win', async () => {
      const store = await makeStore();
      const { version } = await store.read('c@contoso.com');
      const wins = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.write('c@contoso.com', { count: i + 1, windowStart: T0 }, version),
        ),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('prunes the rows whose window started before a time, and no other', async () => {
      const store = await makeStore();
      await store.write('old@contoso.com', { count: 3, windowStart: T0 }, undefined);
      await store.write('new@contoso.com', { count: 1, windowStart: at(30) }, undefined);
      expect(await store.prune(at(15))).toBe(1);
      expect((await store.read('old@contoso.com')).attempts).toBeUndefined();
      expect((await store.read('new@contoso.com')).attempts).toEqual({
        count: 1,
        windowStart: at(30),
      });
      expect(await store.prune(at(15))).toBe(0);
    });
  });
}
