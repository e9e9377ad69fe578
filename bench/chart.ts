/**
 * The benchmark's figures as one SVG, written next to results.json (results.svg): per scenario,
 * the host's throughput, CPU per request and p99 as multiples of the bare server's (1.0 is the
 * bare server; the dashed lines are the aims), then the cold-start bars and the cold burst.
 * Plain SVG, no dependency: it renders on GitHub and in any browser.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AIMS, loadShortfalls, ratiosOf, type ScenarioOutcome } from './aims';
import type { LoadFigures } from './load';
import type { RunReport } from './report';
import { scenarioLabel, SCENARIOS } from './scenarios';

const WIDTH = 900;
const LABEL = 290;
const PLOT = 470;
const MAX_RATIO = 2;
const BAR = 11;
const COLORS = { throughput: '#2b6cb0', cpu: '#dd6b20', p99: '#805ad5', miss: '#c53030' };

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${x}" y="${y}" ${extra}>${escape(content)}</text>`;
}

function rect(x: number, y: number, width: number, height: number, fill: string): string {
  return `<rect x="${x}" y="${y}" width="${Math.max(0, width).toFixed(1)}" height="${height}" fill="${fill}"/>`;
}

function line(x: number, y1: number, y2: number, extra: string): string {
  return `<line x1="${x.toFixed(1)}" y1="${y1}" x2="${x.toFixed(1)}" y2="${y2}" ${extra}/>`;
}

const ratioX = (ratio: number): number => LABEL + (Math.min(ratio, MAX_RATIO) / MAX_RATIO) * PLOT;

/** Per scenario: three bars (throughput, CPU, p99 as multiples of the bare server's). */
function ratioSection(report: RunReport, top: number): { svg: string[]; height: number } {
  const svg: string[] = [];
  svg.push(text(10, top + 16, 'Host ÷ bare server, same run (1.0 = the bare server)', 'class="h"'));
  const legend: [string, string][] = [
    [COLORS.throughput, `throughput (aim ≥ ${AIMS.minThroughputRatio})`],
    [COLORS.cpu, `CPU per request (aim ≤ ${AIMS.maxCpuRatio})`],
    [COLORS.p99, `p99 latency (aim ≤ ${AIMS.maxP99Ratio})`],
  ];
  legend.forEach(([color, label], i) => {
    svg.push(rect(10 + i * 220, top + 28, 10, 10, color), text(24 + i * 220, top + 37, label));
  });
  const first = top + 50;
  const group = 3 * BAR + 14;
  report.outcomes.forEach((outcome, index) => {
    const y = first + index * group;
    const ratios = ratiosOf(outcome);
    const missed = loadShortfalls(outcome).length > 0;
    svg.push(
      text(10, y + 20, scenarioLabel(outcome.scenario), missed ? `fill="${COLORS.miss}"` : ''),
    );
    const bars: [number | undefined, string][] = [
      [ratios.throughput, COLORS.throughput],
      [ratios.cpu, COLORS.cpu],
      [ratios.p99, COLORS.p99],
    ];
    bars.forEach(([value, color], i) => {
      if (value === undefined) return;
      const barY = y + i * BAR;
      svg.push(rect(LABEL, barY, ratioX(value) - LABEL, BAR - 2, color));
      svg.push(text(ratioX(value) + 4, barY + 9, `${value.toFixed(2)}×`, 'class="s"'));
    });
  });
  const bottom = first + report.outcomes.length * group;
  for (const tick of [0, 0.5, 1, 1.5, 2]) {
    svg.push(text(ratioX(tick) - 8, bottom + 14, `${tick}×`, 'class="s"'));
  }
  svg.push(line(ratioX(1), first - 4, bottom, 'stroke="#000" stroke-width="1.5"'));
  for (const aim of [AIMS.minThroughputRatio, AIMS.maxCpuRatio]) {
    svg.push(line(ratioX(aim), first - 4, bottom, 'stroke="#718096" stroke-dasharray="4 3"'));
  }
  return { svg, height: bottom + 24 - top };
}

/** Where the cold-start aims lie, ms: [host's limit, host-with-telemetry's limit]. */
function aimsOf(cold: NonNullable<RunReport['coldStart']>): [number | undefined, number] {
  const bare = cold.bareFirstAnswerMs?.median;
  return [
    bare === undefined ? undefined : bare * AIMS.maxColdStartBareRatio,
    cold.hostFirstAnswerMs.withoutAppInsights.median * AIMS.maxColdStartTelemetryRatio,
  ];
}

/** Spawn to first answer: the bare server, the host without and with telemetry. */
function coldSection(report: RunReport, top: number): { svg: string[]; height: number } {
  const cold = report.coldStart;
  if (cold === undefined) return { svg: [], height: 0 };
  const bars: [string, number | undefined, string][] = [
    ['node -e 0 (the floor)', cold.nodeBootMs.median, '#a0aec0'],
    ['bare server (same point read)', cold.bareFirstAnswerMs?.median, '#4a5568'],
    ['host, no telemetry', cold.hostFirstAnswerMs.withoutAppInsights.median, COLORS.throughput],
    ['host, Application Insights on', cold.hostFirstAnswerMs.withAppInsights.median, COLORS.cpu],
  ];
  const scale = Math.max(...bars.map(([, ms]) => ms ?? 0), 1);
  const svg = [
    text(10, top + 16, 'Cold start: spawn to first correct answer, ms (median)', 'class="h"'),
  ];
  const scaleMax = Math.max(scale, ...aimsOf(cold).filter((n): n is number => n !== undefined));
  bars.forEach(([label, ms], i) => {
    const y = top + 30 + i * 22;
    svg.push(text(10, y + 12, label));
    if (ms === undefined) return;
    svg.push(rect(LABEL, y, (ms / scaleMax) * PLOT, 16, bars[i]?.[2] ?? '#000'));
    svg.push(text(LABEL + (ms / scaleMax) * PLOT + 4, y + 12, `${ms.toFixed(0)} ms`, 'class="s"'));
  });
  // The aims: the host without telemetry within 1.5× the bare server; with it, 1.15× without.
  const [hostAim, telemetryAim] = aimsOf(cold);
  const aimLine = (ms: number | undefined, row: number, label: string): void => {
    if (ms === undefined) return;
    const x = LABEL + (ms / scaleMax) * PLOT;
    const y = top + 30 + row * 22;
    svg.push(line(x, y - 2, y + 18, 'stroke="#c53030" stroke-dasharray="3 2" stroke-width="1.5"'));
    svg.push(text(x + 3, y - 3, label, 'class="s"'));
  };
  aimLine(hostAim, 2, `aim ${AIMS.maxColdStartBareRatio}× bare`);
  aimLine(telemetryAim, 3, `aim ${AIMS.maxColdStartTelemetryRatio}× no telemetry`);
  return { svg, height: 30 + bars.length * 22 + 10 };
}

/** The cold burst: how many answers were full, degraded, late or wrong. */
function burstSection(report: RunReport, top: number): { svg: string[]; height: number } {
  const burst = report.coldBurst;
  if (burst === undefined) return { svg: [], height: 0 };
  const total = burst.full + burst.degraded + burst.late + burst.wrong;
  const parts: [string, number, string][] = [
    ['full', burst.full, '#38a169'],
    ['degraded in budget', burst.degraded, '#d69e2e'],
    ['late', burst.late, COLORS.miss],
    ['wrong', burst.wrong, '#000'],
  ];
  const svg = [
    text(
      10,
      top + 16,
      `Cold instance, ${burst.concurrency} concurrent Entra calls × ${burst.runs.length} runs (budget ${burst.budgetMs} ms)`,
      'class="h"',
    ),
  ];
  let x = LABEL;
  const y = top + 28;
  for (const [, count, color] of parts) {
    const width = total === 0 ? 0 : (count / total) * PLOT;
    svg.push(rect(x, y, width, 16, color));
    x += width;
  }
  svg.push(
    text(10, y + 12, `slowest ${burst.latencyMs.max.toFixed(0)} ms`),
    text(
      LABEL,
      y + 34,
      parts.map(([label, count]) => `${label} ${count}`).join(' · '),
      'class="s"',
    ),
  );
  return { svg, height: 70 };
}

export function chartSvg(report: RunReport, generatedAt: string): string {
  const title = `npm run bench, ${generatedAt.slice(0, 10)}: ${report.settings.connections} connections, ${report.settings.durationS} s per scenario and server`;
  const parts: string[] = [text(10, 22, title, 'class="t"')];
  let top = 34;
  for (const section of [ratioSection, coldSection, burstSection]) {
    const { svg, height } = section(report, top);
    parts.push(...svg);
    top += height + (height > 0 ? 16 : 0);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top}" viewBox="0 0 ${WIDTH} ${top}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    '<style>.t{font-size:15px;font-weight:600}.h{font-size:13px;font-weight:600}.s{font-size:10px;fill:#4a5568}</style>',
    `<rect width="${WIDTH}" height="${top}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** results.json → results.svg, beside it. */
export function chartFileOf(resultsFile: string): string {
  return `${resultsFile.replace(/\.json$/i, '')}.svg`;
}

export function writeChart(file: string, report: RunReport, generatedAt: string): void {
  writeFileSync(file, chartSvg(report, generatedAt));
}

/** What the chart needs of a report, read back from a results file (`--redraw`). */
export function reportFromResults(file: string): { report: RunReport; generatedAt: string } {
  const results = JSON.parse(readFileSync(file, 'utf8')) as {
    generatedAt: string;
    settings: RunReport['settings'];
    details: Record<string, { bare: LoadFigures; host: LoadFigures }>;
    coldStart?: RunReport['coldStart'];
    coldBurst?: RunReport['coldBurst'];
    memory: RunReport['memory'];
  };
  const outcomes: ScenarioOutcome[] = [];
  for (const [id, figures] of Object.entries(results.details)) {
    const scenario = SCENARIOS.find((s) => s.id === id);
    if (scenario !== undefined) outcomes.push({ scenario, ...figures });
  }
  return {
    generatedAt: results.generatedAt,
    report: {
      settings: results.settings,
      outcomes,
      coldStart: results.coldStart,
      coldBurst: results.coldBurst,
      memory: results.memory,
    },
  };
}
