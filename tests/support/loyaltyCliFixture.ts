/**
 * What the loyalty CLI tests share: a B2C objectId the CLI accepts, and scratch files to import.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A B2C objectId (the CLI refuses what is not a GUID). */
export const USER = '0b1ec7a1-0000-4000-8000-000000000001';

/** A scratch folder of this test file's own. */
export const scratchDir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));

/** Writes `text` to a scratch file called `name`; returns its path. */
export function file(name: string, text: string): string {
  const path = join(scratchDir, name);
  writeFileSync(path, text);
  return path;
}
