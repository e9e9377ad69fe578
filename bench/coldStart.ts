/**
 * Cold start, measured with nothing else running but Azurite: node's own start-up (the floor),
 * the import time of the app's entry modules, the local host from spawn to its first 200 of
 * /api/health (one point read of the balances table included), and the same for the bare server
 * (node:http and @azure/data-tables, the same point read): the limit. Import and host start are
 * each measured with and without APPLICATIONINSIGHTS_CONNECTION_STRING; the three starts take
 * turns in an order that alternates between runs, so drift hits all alike.
 */
import { join } from 'node:path';
import type { ImportProbeResult } from './importProbe';
import { APP_ROOT } from './options';
import { memoryOf } from './procStats';
import { runNode, startServer } from './processes';

/** A dummy connection string: the SDK may try to send, and only ever to a closed local port. */
export const DUMMY_APPINSIGHTS =
  'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

export interface TelemetryPair<T> {
  readonly withoutAppInsights: T;
  readonly withAppInsights: T;
}

export interface ColdStartFigures {
  /** `node -e 0`, spawn to exit: what any Node process costs before our code runs. */
  readonly nodeBootMs: Spread;
  /** Require of dist/functions/*.js in a fresh process. */
  readonly importMs: TelemetryPair<Spread>;
  /** Process start to the end of those requires. */
  readonly importSinceProcessStartMs: TelemetryPair<Spread>;
  /** `node dist/scripts/start.js` spawned → first 200 of GET /api/health. */
  readonly hostFirstAnswerMs: TelemetryPair<Spread>;
  /** `node dist/bench/bareServer.js` spawned → its first 200 of GET /api/health: the limit. */
  readonly bareFirstAnswerMs?: Spread;
  /** The host's RSS right after its first answer, MiB. */
  readonly hostIdleRssMb: TelemetryPair<Spread>;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    median: round(median),
    min: round(sorted[0] ?? 0),
    max: round(sorted[sorted.length - 1] ?? 0),
    runs: values.map(round),
  };
}

function withTelemetry(env: Readonly<Record<string, string>>, on: boolean): Record<string, string> {
  return on ? { ...env, APPLICATIONINSIGHTS_CONNECTION_STRING: DUMMY_APPINSIGHTS } : { ...env };
}

async function importOnce(
  env: Readonly<Record<string, string>>,
  appRoot: string,
): Promise<ImportProbeResult> {
  const probe = join(APP_ROOT, 'dist/bench/importProbe.js');
  const { stdout } = await runNode([probe], { ...env, BENCH_APP_ROOT: appRoot });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ImportProbeResult;
}

async function startOnce(
  env: Readonly<Record<string, string>>,
  appRoot: string,
  logFile: string,
  server: 'host' | 'bare' = 'host',
): Promise<{ firstAnswerMs: number; rssMb: number | undefined }> {
  const host = await startServer({
    name: `${server} (cold start)`,
    script: join(appRoot, server === 'host' ? 'dist/scripts/start.js' : 'dist/bench/bareServer.js'),
    cwd: appRoot,
    env,
    logFile,
  });
  const rssMb = memoryOf(host.pid)?.rssMb;
  await host.stop();
  return { firstAnswerMs: host.firstAnswerMs, rssMb };
}

interface Samples {
  importMs: number[];
  sinceStartMs: number[];
  firstAnswerMs: number[];
  rssMb: number[];
}

const noSamples = (): Samples => ({ importMs: [], sinceStartMs: [], firstAnswerMs: [], rssMb: [] });

/** `hostEnv` is the environment the benchmark's host ran with (same Azurite and tables). */
export async function measureColdStart(
  hostEnv: Readonly<Record<string, string>>,
  appRoot: string,
  runs: number,
  logFile: string,
): Promise<ColdStartFigures> {
  const boot: number[] = [];
  const bare: number[] = [];
  const samples = { off: noSamples(), on: noSamples() };
  for (let run = 0; run < runs; run++) {
    boot.push((await runNode(['-e', '0'], { PATH: hostEnv.PATH ?? '' })).wallMs);
    const turns = ['bare', 'off', 'on'] as const;
    for (const turn of run % 2 === 0 ? turns : [...turns].reverse()) {
      if (turn === 'bare') {
        bare.push((await startOnce(hostEnv, APP_ROOT, logFile, 'bare')).firstAnswerMs);
        continue;
      }
      const env = withTelemetry(hostEnv, turn === 'on');
      const into = samples[turn];
      const imported = await importOnce(env, appRoot);
      into.importMs.push(imported.requireMs);
      into.sinceStartMs.push(imported.sinceProcessStartMs);
      const host = await startOnce(env, appRoot, logFile);
      into.firstAnswerMs.push(host.firstAnswerMs);
      if (host.rssMb !== undefined) into.rssMb.push(host.rssMb);
    }
  }
  const pair = (pick: (s: Samples) => number[]): TelemetryPair<Spread> => ({
    withoutAppInsights: spread(pick(samples.off)),
    withAppInsights: spread(pick(samples.on)),
  });
  return {
    nodeBootMs: spread(boot),
    importMs: pair((s) => s.importMs),
    importSinceProcessStartMs: pair((s) => s.sinceStartMs),
    hostFirstAnswerMs: pair((s) => s.firstAnswerMs),
    bareFirstAnswerMs: spread(bare),
    hostIdleRssMb: pair((s) => s.rssMb),
  };
}
