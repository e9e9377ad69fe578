/**
 * Settings of one `npm run bench` run: flags win over BENCH_* environment variables, which win
 * over the defaults. The defaults keep a whole run under three minutes on 2 cores.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

export const APP_ROOT = resolve(__dirname, '..', '..');

export interface BenchOptions {
  /** Concurrent connections autocannon keeps open (B2C's burst of sign-ups). */
  readonly connections: number;
  /** Seconds measured per scenario and server, in total over the rounds. */
  readonly durationS: number;
  /** Measured rounds per scenario and server, interleaved bare/host/host/bare. */
  readonly rounds: number;
  /** Seconds of load before measuring, so JIT, sockets and pools are warm in both servers. */
  readonly warmupS: number;
  /** Seconds per scenario and server at 1 connection (a lone sign-in's latency); 0 = skip. */
  readonly loneS: number;
  /** Members and balances loaded; requests rotate through them. */
  readonly users: number;
  /** Repetitions of each cold-start and import-time measurement (the median is reported). */
  readonly coldRuns: number;
  /** Scenario ids to run; empty = all. */
  readonly only: readonly string[];
  /** Folder for a `--cpu-prof` profile of the host; undefined = no profiling. */
  readonly profileDir: string | undefined;
  /** Where the results JSON goes. */
  readonly output: string;
  /**
   * The app whose host is measured (its built dist/): this checkout by default, or another copy,
   * to measure a candidate change against the same bare server.
   */
  readonly appRoot: string;
  /** Only redraw the chart from the results file (--output), measuring nothing. */
  readonly redraw: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  -c, --connections N   concurrent connections (env BENCH_CONNECTIONS, default 32)
  -d, --duration S      seconds measured per scenario and server (env BENCH_DURATION, default 10)
  -r, --rounds N        rounds the measured seconds are split into, interleaving the bare server
                        and the host (env BENCH_ROUNDS, default 5)
  -w, --warmup S        seconds of warm-up per scenario and server (env BENCH_WARMUP, default 2)
      --lone S          seconds per scenario and server at 1 connection, for the latency of a
                        lone request (env BENCH_LONE, default 2; 0 skips)
  -u, --users N         members and balances loaded (env BENCH_USERS, default 1000)
      --cold-runs N     repetitions of the cold-start measurements (env BENCH_COLD_RUNS, default 3)
      --only IDS        comma-separated scenario ids (env BENCH_ONLY), e.g. getProfile-cp
      --profile DIR     run both servers under node --cpu-prof (profiles in DIR) and print what
                        the host spends per request beyond the bare server (env BENCH_PROFILE)
  -o, --output FILE     results file (env BENCH_OUTPUT, default bench/results.json)
      --app-root DIR    measure the host (and cold start) of another built copy of the app, e.g.
                        a candidate fix (env BENCH_APP_ROOT, default this checkout)
      --redraw          measure nothing: draw the chart again from the results file (-o)
  -h, --help            this text`;

export class UsageError extends Error {}

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`${name} must be a positive whole number, not "${text}"`);
  }
  return value;
}

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  return text?.trim() === '0' ? 0 : positiveInteger(name, text, fallback);
}

/** Parses argv (without node and the script) and the environment; throws UsageError. */
export function parseOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        connections: { type: 'string', short: 'c' },
        duration: { type: 'string', short: 'd' },
        warmup: { type: 'string', short: 'w' },
        rounds: { type: 'string', short: 'r' },
        users: { type: 'string', short: 'u' },
        lone: { type: 'string' },
        'cold-runs': { type: 'string' },
        only: { type: 'string' },
        profile: { type: 'string' },
        output: { type: 'string', short: 'o' },
        'app-root': { type: 'string' },
        redraw: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const flags = parsed.values;
  if (flags.help === true) return 'help';
  const only = (flags.only ?? env.BENCH_ONLY ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const profile = flags.profile ?? env.BENCH_PROFILE;
  return {
    connections: positiveInteger('--connections', flags.connections ?? env.BENCH_CONNECTIONS, 32),
    durationS: positiveInteger('--duration', flags.duration ?? env.BENCH_DURATION, 10),
    warmupS: positiveInteger('--warmup', flags.warmup ?? env.BENCH_WARMUP, 2),
    rounds: positiveInteger('--rounds', flags.rounds ?? env.BENCH_ROUNDS, 5),
    loneS: wholeNumber('--lone', flags.lone ?? env.BENCH_LONE, 2),
    users: positiveInteger('--users', flags.users ?? env.BENCH_USERS, 1000),
    coldRuns: positiveInteger('--cold-runs', flags['cold-runs'] ?? env.BENCH_COLD_RUNS, 3),
    only,
    profileDir: profile === undefined || profile.trim() === '' ? undefined : resolve(profile),
    output: resolve(flags.output ?? env.BENCH_OUTPUT ?? resolve(APP_ROOT, 'bench/results.json')),
    appRoot: resolve(flags['app-root'] ?? env.BENCH_APP_ROOT ?? APP_ROOT),
    redraw: flags.redraw === true,
  };
}
