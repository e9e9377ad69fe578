/**
 * Importing a function module builds nothing and reads no setting: outside a Functions host it
 * does not even register, so a unit test imports a handler factory without a production runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const SETTINGS = Object.keys(
  (
    JSON.parse(readFileSync(join(ROOT, 'local.settings.sample.json'), 'utf8')) as {
      Values: Record<string, string>;
    }
  ).Values,
);

describe('a function module, imported outside a Functions host', () => {
  it.each(['ValidateProfile', 'GetProfile', 'EnrichToken', 'health', 'PruneAttempts'])(
    '%s reads no setting and registers nothing',
    async (name) => {
      vi.resetModules();
      const read = new Set<string>();
      const original = process.env;
      process.env = new Proxy(
        { ...original, API_AUTH: 'not-a-mode', FUNCTIONS_AUTH_LEVEL: 'not-a-level' },
        {
          get(target, key) {
            if (typeof key === 'string') read.add(key);
            return Reflect.get(target, key) as unknown;
          },
        },
      );
      const warn = vi.spyOn(console, 'warn');
      try {
        const module = (await import(`../../functions/${name}.ts`)) as Record<string, unknown>;
        expect(typeof module[`make${name[0]?.toUpperCase()}${name.slice(1)}`]).toBe('function');
      } finally {
        process.env = original;
      }
      // Malformed settings would have thrown had they been read.
      expect([...read].filter((key) => SETTINGS.includes(key))).toEqual([]);
      // The library's own "skipping registration in test mode" warning never comes.
      expect(warn).not.toHaveBeenCalled();
    },
  );
});
