#!/usr/bin/env node
/**
 * Builds the app (tsc -p tsconfig.json) only when a source is newer than the last build, so
 * `npm start`, `npm run loyalty`, `npm run policy` and the end-to-end tests never run a stale
 * dist/ and never wait on a build that has nothing to do; `--force` (npm run build) always
 * builds. Plain JavaScript: it runs before anything is built.
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['functions', 'shared', 'scripts', 'bench'];
const FILES = ['tsconfig.json', 'package.json', 'package-lock.json'];
/** Written after each successful build (tsc leaves its own build info alone when nothing changed). */
const stamp = join(root, 'dist', '.built');

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory())
    return path.endsWith('.ts') || FILES.some((f) => path.endsWith(f)) ? stat.mtimeMs : 0;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), 0);
}

export function isStale() {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const changed = Math.max(
    ...SOURCES.map((s) => newest(join(root, s))),
    ...FILES.map((f) => newest(join(root, f))),
  );
  return changed > built;
}

export function buildIfStale({ quiet = false, force = false } = {}) {
  if (!force && !isStale()) return 0;
  if (!quiet && !force)
    process.stderr.write('Building (sources changed since the last build)...\n');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], {
    stdio: 'inherit',
  });
  if (run.status === 0) writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return run.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(buildIfStale({ force: process.argv.includes('--force') }));
}
