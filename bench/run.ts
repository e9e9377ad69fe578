/**
 * `npm run bench`: how close each function runs to the limit of its storage (issues 6 and 13).
 *
 * 1. A fresh in-memory Azurite on a free port, loaded with members and balances through the
 *    app's TableLoyaltyAdmin.
 * 2. The local host (`node dist/scripts/start.js`) and the bare server (bench/bareServer.ts),
 *    each its own child process against that Azurite; both must give the expected answer.
 * 3. Each scenario against each server with autocannon at fixed concurrency: a warm-up, then
 *    the measured seconds in rounds interleaved bare, host, host, bare, ... so that Azurite's
 *    drift and other work on a shared machine weigh on both alike; then a few seconds at 1
 *    connection, for the latency of a lone request.
 * 4. Both servers stopped, the cold start measured with nothing else running but Azurite: the
 *    host with and without Application Insights, and the bare server (coldStart.ts); then cold
 *    hosts hit by 32 concurrent Entra calls the moment they listen (coldBurst.ts).
 * 5. The tables printed, the aims checked (aims.ts), the results written to bench/results.json
 *    and the chart beside it, bench/results.svg (chart.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite, type AzuriteHandle } from '../scripts/host/azurite';
import { loadStorageSettings } from '../shared/config';
import { createStorage } from '../shared/storage/factory';
import { measureColdBurst, BURST_SIZE, type ColdBurstFigures } from './coldBurst';
import { measureColdStart, type ColdStartFigures } from './coldStart';
import { benchUsers, loadUsers, type BenchUser } from './dataset';
import { ServerLoad, type LoadFigures } from './load';
import { APP_ROOT, parseOptions, USAGE, UsageError, type BenchOptions } from './options';
import { chartFileOf, reportFromResults, writeChart } from './chart';
import { compareProfiles, formatComparison, type ProfileComparison } from './profile';
import { memoryOf } from './procStats';
import { httpCall, startServer, type ServerProcess } from './processes';
import {
  backgroundText,
  coldBurstText,
  coldStartText,
  loadTable,
  loneTable,
  memoryText,
  resultsJson,
  shortfalls,
  writeResults,
  type MemoryFigures,
  type RunReport,
  type ScenarioOutcome,
} from './report';
import { comparable, scenarioLabel, selectScenarios, type Scenario } from './scenarios';

const LOYALTY_TABLE = 'BenchLoyaltyMembers';
const BALANCES_TABLE = 'BenchBalances';
const FAILURES_TABLE = 'BenchFailedValidations';

/** Requests each server answered in the whole run: what a CPU profile is divided by. */
const answered = { bare: 0, host: 0 };

/** Everything started, stopped in reverse order whatever happens (error or Ctrl-C). */
const stoppers: (() => Promise<unknown>)[] = [];

async function stopAll(): Promise<void> {
  for (let stop = stoppers.pop(); stop !== undefined; stop = stoppers.pop()) {
    await stop().catch(() => undefined);
  }
}

function say(text: string): void {
  console.log(`[bench] ${text}`);
}

/**
 * The environment of the host and the bare server: only what they need, nothing inherited.
 * The throttle's limit is raised to its maximum so that the 409 scenario measures the
 * not-associated path (reads and the counter's write) all along, not the cheaper throttled one.
 */
function serverEnv(azurite: AzuriteHandle): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    TABLES_CONNECTION_STRING: azurite.connectionString,
    LOYALTY_TABLE_NAME: LOYALTY_TABLE,
    BALANCES_TABLE_NAME: BALANCES_TABLE,
    FAILED_VALIDATIONS_TABLE_NAME: FAILURES_TABLE,
    MAX_FAILED_VALIDATIONS: '1000',
    FAILED_VALIDATION_WINDOW_MINUTES: '15',
    API_AUTH: 'none',
    SEED_DEMO_DATA: 'false',
    FUNCTIONS_WORKER_RUNTIME: 'node',
  };
}

async function startStorage(users: readonly BenchUser[]): Promise<AzuriteHandle> {
  const azurite = await startAzurite();
  stoppers.push(() => azurite.stop());
  say(`Azurite on port ${azurite.port}; loading ${users.length} members and balances...`);
  const started = Date.now();
  await loadUsers(
    await createStorage(loadStorageSettings(serverEnv(azurite)), { timeoutMs: 10_000 }).admin(),
    users,
  );
  say(`loaded in ${Date.now() - started} ms`);
  return azurite;
}

async function startTracked(
  name: 'host' | 'bare',
  env: Record<string, string>,
  workDir: string,
  options: BenchOptions,
): Promise<ServerProcess> {
  // Both servers run under the profiler, or neither: it slows them alike.
  const profileDir = options.profileDir === undefined ? undefined : join(options.profileDir, name);
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  // The bare server is always this checkout's; the host may be another copy (--app-root).
  const root = name === 'host' ? options.appRoot : APP_ROOT;
  const server = await startServer({
    name,
    script: join(root, name === 'host' ? 'dist/scripts/start.js' : 'dist/bench/bareServer.js'),
    cwd: root,
    env,
    nodeArgs: profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    logFile: join(workDir, `${name}.log`),
  });
  stoppers.push(() => server.stop());
  say(`${name} (pid ${server.pid}) answered ${server.firstAnswerMs.toFixed(0)} ms after spawn`);
  return server;
}

/** One request per scenario and server before any load: a wrong answer stops the run here. */
async function checkAnswers(
  servers: readonly ServerProcess[],
  scenarios: readonly Scenario[],
  user: BenchUser,
): Promise<void> {
  for (const scenario of scenarios) {
    const { body, expected } = scenario.request(user);
    for (const server of servers) {
      const answer = await httpCall(`${server.baseUrl}${scenario.path}`, { method: 'POST', body });
      if (answer.status !== scenario.expectedStatus || comparable(answer.body) !== expected) {
        throw new Error(
          `${server.name} answered ${scenarioLabel(scenario)} with ${answer.status} ${answer.body}\n` +
            `expected ${scenario.expectedStatus} ${expected}\n${server.log().slice(-2000)}`,
        );
      }
    }
  }
}

function progress(scenario: Scenario, server: string, figures: LoadFigures): void {
  const { p50, p99 } = figures.latencyMs;
  say(
    `${scenarioLabel(scenario)} · ${server}: ${figures.requestsPerSecond.toFixed(0)} req/s, ` +
      `p50 ${p50} ms, p99 ${p99} ms, ${figures.errors} errors` +
      (figures.otherCores !== undefined && figures.otherCores > 0.1
        ? `, DISTURBED: ${figures.otherCores.toFixed(2)} cores busy elsewhere`
        : '') +
      (figures.errorSamples.length > 0 ? ` (e.g. ${figures.errorSamples[0]})` : ''),
  );
}

/** bare, host in even rounds; host, bare in odd ones: neither always goes first. */
function orderOf<T>(round: number, pair: { bare: T; host: T }): [T, T] {
  return round % 2 === 0 ? [pair.bare, pair.host] : [pair.host, pair.bare];
}

/** Each server at 1 connection, already warm: a lone request's latency, nothing queued. */
async function measureLone(
  servers: { host: ServerProcess; bare: ServerProcess },
  scenario: Scenario,
  users: readonly BenchUser[],
  azuritePid: number,
  options: BenchOptions,
): Promise<ScenarioOutcome['lone']> {
  if (options.loneS === 0) return undefined;
  const settings = { connections: 1, durationS: options.loneS, warmupS: 0, rounds: 1 };
  const bare = new ServerLoad(servers.bare, scenario, users, settings, azuritePid);
  const host = new ServerLoad(servers.host, scenario, users, settings, azuritePid);
  await bare.round(options.loneS);
  await host.round(options.loneS);
  return { bare: bare.figures(), host: host.figures() };
}

async function measureScenario(
  servers: { host: ServerProcess; bare: ServerProcess },
  scenario: Scenario,
  scenarioIndex: number,
  users: readonly BenchUser[],
  azurite: AzuriteHandle,
  options: BenchOptions,
): Promise<ScenarioOutcome> {
  const azuritePid = azurite.process.pid ?? -1;
  const loads = {
    bare: new ServerLoad(servers.bare, scenario, users, options, azuritePid),
    host: new ServerLoad(servers.host, scenario, users, options, azuritePid),
  };
  for (const load of orderOf(scenarioIndex, loads)) await load.warmUp();
  for (let round = 0; round < options.rounds; round++) {
    for (const load of orderOf(scenarioIndex + round, loads)) {
      await load.round(options.durationS / options.rounds);
    }
  }
  const outcome: ScenarioOutcome = {
    scenario,
    bare: loads.bare.figures(),
    host: loads.host.figures(),
    lone: await measureLone(servers, scenario, users, azuritePid, options),
  };
  progress(scenario, 'bare', outcome.bare);
  progress(scenario, 'host', outcome.host);
  answered.bare += loads.bare.answered;
  answered.host += loads.host.answered;
  return outcome;
}

/**
 * Every scenario once on each server before any is measured: a freshly started process runs its
 * code unoptimized at first, and the host has more code to optimize than the bare server, so
 * without this the first scenario measured would also measure the JIT's warm-up (the cold path
 * has figures of its own: cold start and cold burst).
 */
async function warmUpAll(
  servers: { host: ServerProcess; bare: ServerProcess },
  scenarios: readonly Scenario[],
  users: readonly BenchUser[],
  azurite: AzuriteHandle,
  options: BenchOptions,
): Promise<void> {
  const azuritePid = azurite.process.pid ?? -1;
  for (const scenario of scenarios) {
    for (const server of [servers.bare, servers.host]) {
      const load = new ServerLoad(server, scenario, users, options, azuritePid);
      await load.warmUp();
      answered[server === servers.host ? 'host' : 'bare'] += load.answered;
    }
  }
}

async function measureLoad(
  servers: { host: ServerProcess; bare: ServerProcess },
  scenarios: readonly Scenario[],
  users: readonly BenchUser[],
  azurite: AzuriteHandle,
  options: BenchOptions,
): Promise<ScenarioOutcome[]> {
  await warmUpAll(servers, scenarios, users, azurite, options);
  const outcomes: ScenarioOutcome[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    outcomes.push(await measureScenario(servers, scenario, index, users, azurite, options));
  }
  return outcomes;
}

/** Both servers' profiles side by side, per answered request, start-up left out. */
function compareRunProfiles(
  profileDir: string | undefined,
  servers: { host: ServerProcess; bare: ServerProcess },
): ProfileComparison | undefined {
  if (profileDir === undefined) return undefined;
  const hostFile = latestProfile(join(profileDir, 'host'));
  const bareFile = latestProfile(join(profileDir, 'bare'));
  if (hostFile === undefined || bareFile === undefined) return undefined;
  return compareProfiles(
    { file: bareFile, requests: answered.bare, skipMs: servers.bare.firstAnswerMs },
    { file: hostFile, requests: answered.host, skipMs: servers.host.firstAnswerMs },
  );
}

/** The newest profile a server wrote into its folder. */
function latestProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0];
}

async function benchmark(options: BenchOptions, workDir: string): Promise<RunReport> {
  const scenarios = selectScenarios(options.only);
  const users = benchUsers(options.users);
  const azurite = await startStorage(users);
  const env = serverEnv(azurite);
  const host = await startTracked('host', env, workDir, options);
  const bare = await startTracked('bare', env, workDir, options);
  const firstUser = users[0];
  if (firstUser === undefined) throw new UsageError('--users must be at least 1');
  await checkAnswers([host, bare], scenarios, firstUser);

  const estimate = scenarios.length * 2 * (2 * options.warmupS + options.durationS + options.loneS);
  say(
    `${scenarios.length} scenarios × 2 servers, ${options.connections} connections, ` +
      `${options.warmupS} s warm-up + ${options.durationS} s in ${options.rounds} interleaved ` +
      `rounds each (about ${estimate} s)`,
  );
  const outcomes = await measureLoad({ host, bare }, scenarios, users, azurite, options);

  const memory: MemoryFigures = {
    hostPeakRssMb: memoryOf(host.pid)?.peakMb,
    barePeakRssMb: memoryOf(bare.pid)?.peakMb,
    azuritePeakRssMb: memoryOf(azurite.process.pid ?? -1)?.peakMb,
  };
  await host.stop();
  await bare.stop();

  const profile = compareRunProfiles(options.profileDir, { host, bare });

  say(`cold start: ${options.coldRuns} runs each, with and without Application Insights...`);
  const coldStart: ColdStartFigures = await measureColdStart(
    env,
    options.appRoot,
    options.coldRuns,
    join(workDir, 'cold.log'),
  );
  let coldBurst: ColdBurstFigures | undefined;
  if (users.length >= BURST_SIZE) {
    say(`cold burst: ${options.coldRuns} cold hosts, ${BURST_SIZE} Entra calls each...`);
    coldBurst = await measureColdBurst(
      env,
      options.appRoot,
      users,
      options.coldRuns,
      join(workDir, 'burst.log'),
    );
  } else say(`cold burst skipped: it needs --users ${BURST_SIZE} or more`);
  return {
    settings: {
      appRoot: options.appRoot,
      connections: options.connections,
      durationS: options.durationS,
      warmupS: options.warmupS,
      rounds: options.rounds,
      users: options.users,
    },
    outcomes,
    coldStart,
    coldBurst,
    memory,
    profile,
  };
}

function print(report: RunReport, table: string): void {
  console.log('');
  console.log(table);
  console.log(backgroundText(report.outcomes));
  const lone = loneTable(report.outcomes);
  if (lone !== undefined) console.log(`\n${lone}`);
  console.log('');
  if (report.coldStart !== undefined) console.log(coldStartText(report.coldStart));
  if (report.coldBurst !== undefined) console.log(`\n${coldBurstText(report.coldBurst)}\n`);
  console.log(memoryText(report.memory));
  if (report.profile !== undefined) {
    console.log('');
    console.log(formatComparison(report.profile));
  }
  const misses = shortfalls(report);
  console.log('');
  console.log(
    misses.length === 0
      ? 'All aims met.'
      : `Aims missed:\n${misses.map((m) => `  - ${m}`).join('\n')}`,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  if (options.redraw) {
    const { report, generatedAt } = reportFromResults(options.output);
    writeChart(chartFileOf(options.output), report, generatedAt);
    say(`chart drawn again from ${options.output}: ${chartFileOf(options.output)}`);
    return;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'b2c-bench-'));
  // BENCH_KEEP_LOGS=true keeps the servers' logs for a post-mortem.
  if (process.env.BENCH_KEEP_LOGS !== 'true') {
    stoppers.push(async () => rmSync(workDir, { recursive: true, force: true }));
  } else say(`logs kept in ${workDir}`);
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    const report = await benchmark(options, workDir);
    await stopAll();
    const table = loadTable(report.outcomes);
    print(report, table);
    const results = resultsJson(report, table);
    await writeResults(options.output, results);
    const chart = chartFileOf(options.output);
    writeChart(chart, report, String(results.generatedAt));
    say(`results written to ${options.output}, chart to ${chart}`);
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
