/**
 * A scratch copy of the built app (dist/, package.json, host.json, the policy templates the
 * preview reads, a link to node_modules) in a temporary folder, so that tests of `npm start`
 * leave the repository's own .azurite/ and local.settings.json alone.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_ROOT } from './host';

export interface ScratchApp {
  readonly root: string;
  remove(): void;
}

export function scratchApp(): ScratchApp {
  const root = mkdtempSync(join(tmpdir(), 'b2c-claims-api-'));
  cpSync(join(APP_ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(APP_ROOT, 'package.json'), join(root, 'package.json'));
  cpSync(join(APP_ROOT, 'host.json'), join(root, 'host.json'));
  // The templates only: not what a user rendered (policies/rendered/) or keeps (schema/).
  cpSync(join(APP_ROOT, 'policies'), join(root, 'policies'), {
    recursive: true,
    filter: (source) => !/[\\/]policies[\\/](rendered|schema)([\\/]|$)/.test(source),
  });
  symlinkSync(join(APP_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
