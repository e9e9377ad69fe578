/**
 * Start-up work that needs storage, without waiting on storage: it is tried at once, and
 * start-up waits for it at most `boundMs`. When storage does not answer (an outage while an
 * instance starts), it is tried again in the background with back-off until it succeeds;
 * meanwhile calls get their degraded answers, and a call that finds its table missing creates it.
 */
import { describeError } from '../describeError';
import type { CallOptions } from '../loyalty/ports';

export interface HasTables {
  init(options?: CallOptions): Promise<void>;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

/**
 * Runs `work` until it succeeds (back-off 1 s, 2 s, … 60 s, timers that keep no process alive);
 * resolves when it has, or after `boundMs`, whichever comes first.
 */
export async function retryInBackground(
  what: string,
  work: () => Promise<unknown>,
  log: (text: string) => void,
  boundMs = 1000,
): Promise<void> {
  let failures = 0;
  const attempt = async (): Promise<void> => {
    try {
      await work();
      if (failures > 0) log(`Storage answers again: could ${what} (after ${failures + 1} tries).`);
    } catch (error) {
      failures += 1;
      const retryMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
      if (failures === 1 || retryMs === MAX_RETRY_MS) {
        log(
          `Could not ${what} (${describeError(error)}); trying again in the background, at most every ${retryMs / 1000} s.`,
        );
      }
      await new Promise<void>((resolve) => setTimeout(resolve, retryMs).unref());
      return attempt();
    }
  };
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    attempt(),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs))),
  ]);
  clearTimeout(timer);
}

/** The tables of every store, made sure of at start (see retryInBackground). */
export function ensureTablesInBackground(
  stores: readonly HasTables[],
  log: (text: string) => void,
  boundMs = 1000,
): Promise<void> {
  return retryInBackground(
    'make sure the tables exist',
    () => Promise.all(stores.map((store) => store.init())),
    log,
    boundMs,
  );
}
