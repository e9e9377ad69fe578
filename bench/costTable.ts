/**
 * `node dist/bench/costTable.js [results.json] [--name=value …]`: the monthly cost of a million
 * journeys of each kind, from what `npm run bench:azure` measured (transactions, telemetry
 * bytes, durations per journey) and the price inputs below, printed as the Markdown table of
 * docs/cost.md. Every input can be given on the command line (e.g. --onDemandGbSecond=0.000026)
 * to recompute for another region, currency or memory size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT } from './options';

/** Price inputs (USD). Source and date: docs/cost.md; not read live by this script. */
export const INPUTS = {
  /** Flex Consumption, On Demand: execution time per GB-s, and per million executions. */
  onDemandGbSecond: 0.000026,
  onDemandPerMillionExecutions: 0.4,
  /** Flex Consumption, Always Ready: baseline per GB-s (all month), execution time per GB-s. */
  alwaysReadyBaselineGbSecond: 0.000004,
  alwaysReadyExecutionGbSecond: 0.000016,
  /** The template's defaults: instanceMemoryMB 2048, alwaysReadyInstances 1. */
  instanceMemoryGb: 2,
  alwaysReadyInstances: 1,
  hoursPerMonth: 730,
  /** Table Storage (Standard LRS) transactions, per 10,000. */
  tablePer10kTransactions: 0.00036,
  /** Log Analytics (Analytics logs, pay-as-you-go) ingestion per GB. */
  logsPerGb: 2.3,
  /** Flex Consumption's minimum billable execution period, seconds. */
  minimumBilledSeconds: 1,
};

interface Cost {
  readonly id: string;
  readonly calls: number;
  readonly transactions: number;
  readonly telemetryBytes: number;
  readonly stepMedianMs: readonly number[];
}

const money = (value: number): string => `$${value.toFixed(2)}`;

export function costTable(costs: readonly Cost[], inputs: typeof INPUTS): string {
  const million = 1_000_000;
  const rows = costs.map((c) => {
    // Upper bound: every call alone on its instance, billed the 1 s minimum.
    const sparseGbS = c.calls * inputs.minimumBilledSeconds * inputs.instanceMemoryGb;
    // Lower bound: calls back to back, billed their duration rounded up to 100 ms.
    const denseGbS =
      c.stepMedianMs.reduce((sum, ms) => sum + Math.ceil(ms / 100) / 10, 0) *
      inputs.instanceMemoryGb;
    // A million journeys make calls × 1,000,000 executions.
    const executions = c.calls * inputs.onDemandPerMillionExecutions;
    const compute = (gbS: number) => gbS * million * inputs.onDemandGbSecond + executions;
    const storage = ((c.transactions * million) / 10_000) * inputs.tablePer10kTransactions;
    const logs = ((c.telemetryBytes * million) / 1e9) * inputs.logsPerGb;
    return (
      `| ${c.id} | ${c.calls} | ${money(compute(denseGbS))} – ${money(compute(sparseGbS))} | ` +
      `${c.transactions} → ${money(storage)} | ${(c.telemetryBytes / 1000).toFixed(1)} kB → ` +
      `${money(logs)} | ${money(compute(denseGbS) + storage + logs)} – ` +
      `${money(compute(sparseGbS) + storage + logs)} |`
    );
  });
  const baseline =
    inputs.alwaysReadyInstances *
    inputs.instanceMemoryGb *
    inputs.hoursPerMonth *
    3600 *
    inputs.alwaysReadyBaselineGbSecond;
  return [
    '| journey (1,000,000 a month) | calls | Flex execution (on demand) | Table transactions | telemetry | total |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Always-ready baseline (${inputs.alwaysReadyInstances} × ${inputs.instanceMemoryGb} GB × ` +
      `${inputs.hoursPerMonth} h): ${money(baseline)} a month, whatever the traffic.`,
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--')) ?? join(APP_ROOT, 'bench/azure-results.json');
  const inputs = { ...INPUTS };
  for (const arg of args.filter((a) => a.startsWith('--'))) {
    const [name, value] = arg.slice(2).split('=');
    if (name === undefined || !(name in inputs) || value === undefined || Number.isNaN(+value)) {
      throw new Error(`unknown input ${arg}; known: ${Object.keys(INPUTS).join(', ')}`);
    }
    inputs[name as keyof typeof INPUTS] = Number(value);
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as { costs: Cost[] };
  console.log(costTable(results.costs, inputs));
}
