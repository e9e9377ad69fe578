/**
 * Chromium for the browser tests: CHROMIUM_PATH, else /usr/bin/chromium. Where there is none the
 * tests skip with one line saying how to install it, unless REQUIRE_CHROMIUM=1 (.ci/run sets it
 * once it has installed Chromium): then a missing Chromium fails the run.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_CHROMIUM, INSTALL_CHROMIUM } from '../../scripts/preview/chromium';

export const CHROMIUM = process.env.CHROMIUM_PATH?.trim() || DEFAULT_CHROMIUM;

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `no Chromium at ${CHROMIUM}: ${INSTALL_CHROMIUM}`;
  if (process.env.REQUIRE_CHROMIUM === '1') {
    throw new Error(`${why} (REQUIRE_CHROMIUM=1: the browser tests may not be skipped)`);
  }
  return why;
}
