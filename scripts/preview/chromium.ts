/**
 * Headless Chromium (Debian's `chromium` package) through playwright-core, for the preview's
 * browser tests and its screenshots: the flags keep it from reaching the network on its own.
 * playwright-core is a devDependency: this file is a tool's, never loaded by the host.
 */
import type { Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Beyond what playwright's launch sets itself (headless, a fresh user data dir). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export const INSTALL_CHROMIUM =
  'install Chromium (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH';

export async function launchChromium(executablePath: string): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
