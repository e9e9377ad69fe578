/**
 * The tables the benchmark prints and the JSON it writes, with the aims (aims.ts) checked
 * against the figures.
 */
import { execFileSync } from 'node:child_process';
import { cpus, release, platform, totalmem } from 'node:os';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AIMS,
  burstShortfalls,
  coldStartShortfalls,
  loadShortfalls,
  ratiosOf,
  scenarioShortfalls,
  type ScenarioOutcome,
} from './aims';
import type { ColdBurstFigures } from './coldBurst';
import type { ColdStartFigures } from './coldStart';
import type { LoadFigures, LoadSettings } from './load';
import type { ProfileComparison } from './profile';
import { scenarioLabel } from './scenarios';

export type { ScenarioOutcome } from './aims';

export interface MemoryFigures {
  /** VmHWM of the host after all the load: its peak RSS since it started, MiB. */
  readonly hostPeakRssMb: number | undefined;
  readonly barePeakRssMb: number | undefined;
  readonly azuritePeakRssMb: number | undefined;
}

export interface RunReport {
  readonly settings: LoadSettings & { readonly users: number; readonly appRoot: string };
  readonly outcomes: readonly ScenarioOutcome[];
  readonly coldStart: ColdStartFigures | undefined;
  readonly coldBurst: ColdBurstFigures | undefined;
  readonly memory: MemoryFigures;
  /** Host and bare server profiled side by side (--profile). */
  readonly profile?: ProfileComparison | undefined;
}

export function shortfalls(report: RunReport): string[] {
  const misses = scenarioShortfalls(report.outcomes);
  if (report.coldStart !== undefined) misses.push(...coldStartShortfalls(report.coldStart));
  if (report.coldBurst !== undefined) misses.push(...burstShortfalls(report.coldBurst));
  const rss = report.memory.hostPeakRssMb;
  if (rss !== undefined && rss >= AIMS.maxRssMb)
    misses.push(`host peak RSS ${rss.toFixed(0)} MB ≥ ${AIMS.maxRssMb} MB`);
  return misses;
}

const fixed = (n: number | undefined, digits = 0): string =>
  n === undefined ? '–' : n.toFixed(digits);

type Align = 'left' | 'right';

function renderTable(
  headers: readonly string[],
  align: readonly Align[],
  rows: string[][],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) =>
        align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

interface RatioCells {
  readonly throughput: string;
  readonly cpu: string;
  readonly p99: string;
}

function row(
  label: string,
  server: string,
  figures: LoadFigures,
  ratios: RatioCells,
  aims: string,
): string[] {
  return [
    label,
    server,
    fixed(figures.requestsPerSecond),
    fixed(figures.latencyMs.p50),
    fixed(figures.latencyMs.p99),
    fixed(figures.latencyMs.max),
    String(figures.errors),
    fixed(figures.cpuUsPerRequest.server),
    fixed(figures.cpuUsPerRequest.azurite),
    ratios.throughput,
    ratios.cpu,
    ratios.p99,
    aims,
  ];
}

const ratio = (n: number | undefined): string => (n === undefined ? '–' : n.toFixed(2));
const ONE: RatioCells = { throughput: '1.00', cpu: '1.00', p99: '1.00' };

/** The results table: for each scenario the bare server's row, then the host's. */
export function loadTable(outcomes: readonly ScenarioOutcome[]): string {
  const headers = [
    'function / dialect / case',
    'server',
    'req/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'errors',
    'CPU µs/req',
    'Azurite µs/req',
    'req/s ×',
    'CPU ×',
    'p99 ×',
    'aims',
  ];
  const align: Align[] = [
    'left',
    'left',
    ...Array.from({ length: 10 }, (): Align => 'right'),
    'left',
  ];
  const rows = outcomes.flatMap((o) => {
    const misses = loadShortfalls(o);
    const r = ratiosOf(o);
    return [
      row(scenarioLabel(o.scenario), 'bare', o.bare, ONE, ''),
      row(
        '',
        'host',
        o.host,
        { throughput: ratio(r.throughput), cpu: ratio(r.cpu), p99: ratio(r.p99) },
        misses.length === 0 ? 'met' : 'MISSED',
      ),
    ];
  });
  return renderTable(headers, align, rows);
}

/** How busy the machine was with other work while measuring: the figures' reliability. */
export function backgroundText(outcomes: readonly ScenarioOutcome[]): string {
  const others = outcomes
    .flatMap((o) => [o.bare.otherCores, o.host.otherCores])
    .filter((n): n is number => n !== undefined);
  if (others.length === 0) return 'Other load on the machine: unknown (no /proc).';
  const mean = others.reduce((a, b) => a + b, 0) / others.length;
  const max = Math.max(...others);
  const verdict =
    max > 0.1
      ? 'other processes competed for the cores: absolute figures are low; the ratios hold better (interleaved rounds)'
      : 'quiet';
  return `Other load on the machine while measuring: ${mean.toFixed(2)} cores on average, ${max.toFixed(2)} at most (${verdict}).`;
}

/** Latency at 1 connection: what one request waits when nothing queues in front of it. */
export function loneTable(outcomes: readonly ScenarioOutcome[]): string | undefined {
  const measured = outcomes.filter((o) => o.lone !== undefined);
  if (measured.length === 0) return undefined;
  const headers = ['at 1 connection', 'bare p50', 'bare p99', 'host p50', 'host p99', 'host req/s'];
  const align: Align[] = ['left', 'right', 'right', 'right', 'right', 'right'];
  const rows = measured.map((o) => [
    scenarioLabel(o.scenario),
    fixed(o.lone?.bare.latencyMs.p50, 1),
    fixed(o.lone?.bare.latencyMs.p99, 1),
    fixed(o.lone?.host.latencyMs.p50, 1),
    fixed(o.lone?.host.latencyMs.p99, 1),
    fixed(o.lone?.host.requestsPerSecond),
  ]);
  return renderTable(headers, align, rows);
}

export function coldStartText(cold: ColdStartFigures): string {
  const pair = (what: string, p: ColdStartFigures['importMs'], unit: string): string[] => [
    `  ${what}: ${p.withoutAppInsights.median} ${unit} without APPLICATIONINSIGHTS_CONNECTION_STRING, ${p.withAppInsights.median} ${unit} with it`,
    `    (runs without: ${p.withoutAppInsights.runs.join(', ')}; with: ${p.withAppInsights.runs.join(', ')})`,
  ];
  return [
    'Cold start (medians):',
    `  node -e 0, spawn to exit (the floor): ${cold.nodeBootMs.median} ms`,
    ...pair('require of dist/functions/*.js', cold.importMs, 'ms'),
    ...pair('process start to modules loaded', cold.importSinceProcessStartMs, 'ms'),
    ...pair('host spawn to first 200 of /api/health', cold.hostFirstAnswerMs, 'ms'),
    ...(cold.bareFirstAnswerMs === undefined
      ? []
      : [
          `  bare server spawn to first 200 of /api/health (same point read): ${cold.bareFirstAnswerMs.median} ms`,
          `    (runs: ${cold.bareFirstAnswerMs.runs.join(', ')})`,
        ]),
    ...pair('host RSS right after start', cold.hostIdleRssMb, 'MB'),
  ].join('\n');
}

export function coldBurstText(burst: ColdBurstFigures): string {
  const answers = burst.runs.length * burst.concurrency;
  return [
    `Cold instance, ${burst.concurrency} concurrent Entra tokenIssuanceStart calls the moment it listens (${burst.runs.length} runs, budget ${burst.budgetMs} ms):`,
    `  ${burst.full} of ${answers} full answers, ${burst.degraded} degraded within the budget, ${burst.late} late, ${burst.wrong} wrong`,
    `  answer times: median ${burst.latencyMs.median} ms, slowest ${burst.latencyMs.max} ms; ` +
      `port open after ${burst.runs.map((r) => r.listeningMs.toFixed(0)).join(', ')} ms`,
    ...burst.runs.flatMap((r) => r.wrongSamples.map((sample) => `  wrong: ${sample}`)),
  ].join('\n');
}

export function memoryText(memory: MemoryFigures): string {
  return [
    'Peak RSS (VmHWM) after the load:',
    `  host ${fixed(memory.hostPeakRssMb, 1)} MB, bare server ${fixed(memory.barePeakRssMb, 1)} MB, Azurite ${fixed(memory.azuritePeakRssMb, 1)} MB`,
  ].join('\n');
}

export function machine(): Record<string, unknown> {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${platform()} ${release()}`,
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
  };
}

/** The commit measured, and the files that differed from it (others edit while we measure). */
export function codeUnderTest(appRoot: string): {
  commit: string | undefined;
  uncommitted: string[];
} {
  const git = (...args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { cwd: appRoot, encoding: 'utf8', stdio: 'pipe' });
    } catch {
      return undefined;
    }
  };
  const uncommitted = (git('status', '--porcelain') ?? '')
    .split('\n')
    .map((line) => line.slice(3).trim())
    .filter((file) => file !== '' && !file.startsWith('bench/'));
  return { commit: git('rev-parse', 'HEAD')?.trim(), uncommitted };
}

const rounded = (n: number | undefined): number | undefined =>
  n === undefined ? undefined : Math.round(n * 100) / 100;

function ratioFields(ratios: ReturnType<typeof ratiosOf> | undefined): Record<string, unknown> {
  if (ratios === undefined) return { ratioToBare: 1, cpuRatioToBare: 1, p99RatioToBare: 1 };
  return {
    ratioToBare: rounded(ratios.throughput),
    cpuRatioToBare: rounded(ratios.cpu),
    p99RatioToBare: rounded(ratios.p99),
  };
}

export function resultsJson(report: RunReport, table: string): Record<string, unknown> {
  const misses = shortfalls(report);
  return {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    code: codeUnderTest(report.settings.appRoot),
    settings: report.settings,
    aims: AIMS,
    aimsMet: misses.length === 0,
    shortfalls: misses,
    table: report.outcomes.flatMap((o) =>
      (['bare', 'host'] as const).map((server) => ({
        scenario: o.scenario.id,
        function: o.scenario.functionName,
        dialect: o.scenario.dialect,
        case: o.scenario.what,
        storageCalls: o.scenario.storageCalls,
        server,
        requestsPerSecond: Math.round(o[server].requestsPerSecond),
        p50Ms: o[server].latencyMs.p50,
        p99Ms: o[server].latencyMs.p99,
        maxMs: o[server].latencyMs.max,
        errors: o[server].errors,
        cpuUsPerRequest: o[server].cpuUsPerRequest.server,
        ...ratioFields(server === 'bare' ? undefined : ratiosOf(o)),
      })),
    ),
    tableText: table.split('\n'),
    details: Object.fromEntries(
      report.outcomes.map((o) => [o.scenario.id, { bare: o.bare, host: o.host }]),
    ),
    coldStart: report.coldStart,
    coldBurst: report.coldBurst,
    memory: report.memory,
    profile: report.profile,
  };
}

/**
 * Formatted as the repository's Prettier settings want it (the file is committed and checked),
 * written beside the target and renamed, so an interrupted run never leaves half a file.
 */
export async function writeResults(file: string, results: Record<string, unknown>): Promise<void> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  const text = await prettier.format(JSON.stringify(results), { ...config, filepath: file });
  mkdirSync(dirname(file), { recursive: true });
  const temporary = join(dirname(file), `results.tmp-${process.pid}.json`);
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
