/**
 * Child process of the cold-start measurement: how long requiring the app's entry modules
 * (package.json `main`, dist/functions/*.js) takes in a fresh node, with the local host's stand-in
 * for `@azure/functions-core` installed first, exactly as `npm start` loads them. Prints one JSON
 * line and exits (telemetry, when configured, must not keep it alive).
 */
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { functionFiles, installCoreApi } from '../scripts/host/functionsHost';
import { APP_ROOT } from './options';

/** The app measured: another built copy when the benchmark was given one (--app-root). */
const appRoot = process.env.BENCH_APP_ROOT ?? APP_ROOT;

export interface ImportProbeResult {
  /** Require of every function file, ms. */
  readonly requireMs: number;
  readonly perFileMs: Readonly<Record<string, number>>;
  /** From the process's start to the end of the requires, ms. */
  readonly sinceProcessStartMs: number;
}

function probe(): ImportProbeResult {
  installCoreApi(() => undefined);
  const perFileMs: Record<string, number> = {};
  const started = performance.now();
  for (const file of functionFiles(appRoot)) {
    const fileStarted = performance.now();
    // The entry modules are named at run time, as the Functions host loads them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file);
    perFileMs[basename(file)] = performance.now() - fileStarted;
  }
  const ended = performance.now();
  return { requireMs: ended - started, perFileMs, sinceProcessStartMs: ended };
}

console.log(JSON.stringify(probe()));
process.exit(0);
