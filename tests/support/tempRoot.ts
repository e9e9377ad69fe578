/**
 * One temporary folder for the whole run: every test (and every process it starts) gets it as
 * its system temp directory (TMPDIR), and it is removed when the run ends, so a test run leaves
 * no folders behind in the real one. Also says, once, when the policy-schema checks are skipped.
 * Both projects name this setup; the first one to run makes the folder, the last one removes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA_MISSING, hasPolicySchema } from './policySchemaPath';

const state = globalThis as { b2cTestTemp?: { root: string; users: number } };

export function setup(): void {
  if (state.b2cTestTemp === undefined) {
    const root = mkdtempSync(join(tmpdir(), 'b2c-claims-api-tests-'));
    state.b2cTestTemp = { root, users: 0 };
    process.env.TMPDIR = root;
    process.env.TMP = root;
    process.env.TEMP = root;
    if (!hasPolicySchema()) console.log(SCHEMA_MISSING);
  }
  state.b2cTestTemp.users += 1;
}

export function teardown(): void {
  const temp = state.b2cTestTemp;
  if (temp === undefined) return;
  temp.users -= 1;
  if (temp.users > 0) return;
  rmSync(temp.root, { recursive: true, force: true });
  state.b2cTestTemp = undefined;
}
