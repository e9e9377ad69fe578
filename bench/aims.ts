/**
 * What the figures should reach (issue 13; the absolute limits of issue 6 kept where they still
 * mean something) and the check of a run against it. Every aim but the absolute ones compares
 * the host with the bare server measured in the same run, so a slow or busy machine moves both.
 */
import type { ColdBurstFigures } from './coldBurst';
import type { ColdStartFigures } from './coldStart';
import type { LoadFigures } from './load';
import { scenarioLabel, type Scenario } from './scenarios';

export const AIMS = {
  /** Host ÷ bare, every scenario. */
  maxCpuRatio: 1.3,
  minThroughputRatio: 0.85,
  maxP99Ratio: 1.3,
  maxErrors: 0,
  /** ValidateProfile's valid pair against a bare server making its one point read. */
  validPair: { minThroughputRatio: 0.8, maxCpuRatio: 1.5 },
  /** Spawn to first correct answer: with telemetry ÷ without; without ÷ the bare server. */
  maxColdStartTelemetryRatio: 1.15,
  maxColdStartBareRatio: 1.5,
  maxColdStartMs: 1000,
  maxRssMb: 200,
} as const;

/** The scenarios that answer a valid loyalty pair. */
export const VALID_PAIR_SCENARIOS: ReadonlySet<string> = new Set([
  'validateProfile-cp-hit',
  'validateProfile-uf-pac',
]);

export interface ScenarioOutcome {
  readonly scenario: Scenario;
  readonly bare: LoadFigures;
  readonly host: LoadFigures;
  /** The same at 1 connection: what a lone sign-in waits (--lone). */
  readonly lone?: { readonly bare: LoadFigures; readonly host: LoadFigures } | undefined;
}

export interface Ratios {
  readonly throughput: number;
  readonly cpu: number | undefined;
  readonly p99: number | undefined;
}

const divide = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b <= 0 ? undefined : a / b;

export function ratiosOf(outcome: ScenarioOutcome): Ratios {
  return {
    throughput: divide(outcome.host.requestsPerSecond, outcome.bare.requestsPerSecond) ?? 0,
    cpu: divide(outcome.host.cpuUsPerRequest.server, outcome.bare.cpuUsPerRequest.server),
    p99: divide(outcome.host.latencyMs.p99, outcome.bare.latencyMs.p99),
  };
}

const x = (n: number): string => `${n.toFixed(2)}×`;

/** What one scenario misses, in a few words each. */
export function loadShortfalls(outcome: ScenarioOutcome): string[] {
  const misses: string[] = [];
  const { throughput, cpu, p99 } = ratiosOf(outcome);
  const validPair = VALID_PAIR_SCENARIOS.has(outcome.scenario.id);
  const minThroughput = AIMS.minThroughputRatio;
  if (throughput < minThroughput)
    misses.push(`throughput ${x(throughput)} bare < ${minThroughput}×`);
  if (cpu !== undefined && cpu > AIMS.maxCpuRatio) {
    misses.push(`CPU/request ${x(cpu)} bare > ${AIMS.maxCpuRatio}×`);
  }
  if (p99 !== undefined && p99 > AIMS.maxP99Ratio) {
    misses.push(`p99 ${x(p99)} bare > ${AIMS.maxP99Ratio}×`);
  }
  if (validPair && throughput < AIMS.validPair.minThroughputRatio) {
    misses.push(`valid pair: throughput ${x(throughput)} one point read < 0.8×`);
  }
  if (validPair && cpu !== undefined && cpu > AIMS.validPair.maxCpuRatio) {
    misses.push(`valid pair: CPU/request ${x(cpu)} one point read > 1.5×`);
  }
  if (outcome.host.errors > AIMS.maxErrors) misses.push(`${outcome.host.errors} errors`);
  return misses;
}

export function coldStartShortfalls(cold: ColdStartFigures): string[] {
  const misses: string[] = [];
  const off = cold.hostFirstAnswerMs.withoutAppInsights.median;
  const on = cold.hostFirstAnswerMs.withAppInsights.median;
  if (on > off * AIMS.maxColdStartTelemetryRatio) {
    misses.push(`cold start with telemetry ${x(on / off)} without > 1.15×`);
  }
  const bare = cold.bareFirstAnswerMs?.median;
  if (bare !== undefined && off > bare * AIMS.maxColdStartBareRatio) {
    misses.push(`cold start ${x(off / bare)} the bare server > 1.5×`);
  }
  for (const [variant, spread] of Object.entries(cold.hostFirstAnswerMs)) {
    if (spread.median >= AIMS.maxColdStartMs) {
      misses.push(`cold start ${variant}: ${spread.median} ms ≥ ${AIMS.maxColdStartMs} ms`);
    }
  }
  return misses;
}

export function burstShortfalls(burst: ColdBurstFigures): string[] {
  const misses: string[] = [];
  if (burst.late > 0) misses.push(`cold burst: ${burst.late} answers after ${burst.budgetMs} ms`);
  if (burst.wrong > 0) misses.push(`cold burst: ${burst.wrong} wrong answers`);
  return misses;
}

export function scenarioShortfalls(outcomes: readonly ScenarioOutcome[]): string[] {
  const misses = outcomes.flatMap((o) =>
    loadShortfalls(o).map((miss) => `${scenarioLabel(o.scenario)}: ${miss}`),
  );
  for (const o of outcomes) {
    if (o.bare.errors > 0) {
      misses.push(
        `${scenarioLabel(o.scenario)}: the bare server had ${o.bare.errors} errors (the limit itself is unreliable)`,
      );
    }
  }
  return misses;
}
