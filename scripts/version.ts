/** The app's version, from its package.json: what `--version` of the command-line tools prints. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The version in the nearest package.json above `from` (this file in scripts/ or dist/scripts/). */
export function appVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
