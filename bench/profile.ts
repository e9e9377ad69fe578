/**
 * Where the CPU went, from `node --cpu-prof` profiles of the host and of the bare server taken
 * in the same run: CPU time per answered request, by area (our app, the local host, each npm
 * package, Node internals, GC) and by function, host beside bare. What the host spends beyond
 * the bare server is what our code costs.
 *
 * `node dist/bench/profile.js <file.cpuprofile> [topN] [skipMs]` prints one profile's hot spots.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self and inclusive CPU time, µs, of one profile (start-up left out). */
export interface ProfileTotals {
  readonly busyUs: number;
  readonly idleUs: number;
  readonly selfByArea: ReadonlyMap<string, number>;
  readonly selfByFunction: ReadonlyMap<string, number>;
  readonly inclusiveByFunction: ReadonlyMap<string, number>;
  readonly areaOfFunction: ReadonlyMap<string, string>;
}

const IDLE = new Set(['(idle)', '(root)']);

/** The package, layer or runtime part a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName.startsWith('(')) return functionName;
    return 'V8 builtins';
  }
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    const scoped = parts[0]?.startsWith('@') === true;
    return (scoped ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
  }
  if (/\/dist\/(functions|shared)\//.test(url)) return 'app (functions/, shared/)';
  if (url.includes('/dist/scripts/')) return 'local host (scripts/)';
  if (url.includes('/dist/bench/')) return 'bench';
  return 'other';
}

function frameName(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/(node_modules|dist)\//, '').replace(/^file:\/\//, '');
  const where = file === '' ? '' : ` ${file}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where}`;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/**
 * Reads a profile. `skipMs` leaves out its first milliseconds (the process's start-up: requires
 * and table creation), so what remains is the cost of answering.
 */
export function readProfile(file: string, skipMs = 0): ProfileTotals {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfByArea = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  const areaOfFunction = new Map<string, string>();
  let busyUs = 0;
  let idleUs = 0;
  let elapsed = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    elapsed += delta;
    const node = byId.get(id);
    if (node === undefined || elapsed < skipMs * 1000) return;
    if (IDLE.has(node.callFrame.functionName)) {
      idleUs += delta;
      return;
    }
    busyUs += delta;
    bump(selfByArea, areaOf(node.callFrame), delta);
    bump(selfByFunction, frameName(node.callFrame), delta);
    // Inclusive: each function once per stack, however deep its recursion.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || IDLE.has(frame.functionName)) continue;
      const name = frameName(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      areaOfFunction.set(name, areaOf(frame));
      bump(inclusiveByFunction, name, delta);
    }
  });
  return { busyUs, idleUs, selfByArea, selfByFunction, inclusiveByFunction, areaOfFunction };
}

export interface CostRow {
  readonly name: string;
  readonly area: string;
  /** CPU µs per answered request. */
  readonly bareUs: number;
  readonly hostUs: number;
}

export interface ProfileComparison {
  readonly bare: {
    readonly file: string;
    readonly requests: number;
    readonly usPerRequest: number;
  };
  readonly host: {
    readonly file: string;
    readonly requests: number;
    readonly usPerRequest: number;
  };
  /** Self time per request by area, largest host − bare first. */
  readonly areas: readonly CostRow[];
  /** Functions whose self time per request grows most from bare to host. */
  readonly selfExtra: readonly CostRow[];
  /** Host functions with the most inclusive time per request (where our code spends). */
  readonly hostInclusive: readonly CostRow[];
}

export interface ProfiledRun {
  readonly file: string;
  /** Requests the process answered after the skipped start-up. */
  readonly requests: number;
  readonly skipMs: number;
}

function perRequest(us: number | undefined, requests: number): number {
  return requests > 0 ? Math.round(((us ?? 0) / requests) * 10) / 10 : 0;
}

function rows(
  names: Iterable<string>,
  bare: ReadonlyMap<string, number>,
  host: ReadonlyMap<string, number>,
  counts: { bare: number; host: number },
  areaOf: (name: string) => string,
): CostRow[] {
  return [...new Set(names)].map((name) => ({
    name,
    area: areaOf(name),
    bareUs: perRequest(bare.get(name), counts.bare),
    hostUs: perRequest(host.get(name), counts.host),
  }));
}

const byExtra = (a: CostRow, b: CostRow): number => b.hostUs - b.bareUs - (a.hostUs - a.bareUs);

/** What the host spends per request beyond the bare server, by area and by function. */
export function compareProfiles(
  bareRun: ProfiledRun,
  hostRun: ProfiledRun,
  topN = 15,
): ProfileComparison {
  const bare = readProfile(bareRun.file, bareRun.skipMs);
  const host = readProfile(hostRun.file, hostRun.skipMs);
  const counts = { bare: bareRun.requests, host: hostRun.requests };
  const areaOfName = (name: string): string =>
    host.areaOfFunction.get(name) ?? bare.areaOfFunction.get(name) ?? name;
  const comparison: ProfileComparison = {
    bare: { ...bareRun, usPerRequest: perRequest(bare.busyUs, counts.bare) },
    host: { ...hostRun, usPerRequest: perRequest(host.busyUs, counts.host) },
    areas: rows(
      [...host.selfByArea.keys(), ...bare.selfByArea.keys()],
      bare.selfByArea,
      host.selfByArea,
      counts,
      (name) => name,
    ).sort(byExtra),
    selfExtra: rows(
      [...host.selfByFunction.keys(), ...bare.selfByFunction.keys()],
      bare.selfByFunction,
      host.selfByFunction,
      counts,
      areaOfName,
    )
      .sort(byExtra)
      .slice(0, topN),
    hostInclusive: rows(
      host.inclusiveByFunction.keys(),
      bare.inclusiveByFunction,
      host.inclusiveByFunction,
      counts,
      areaOfName,
    )
      .filter(
        (row) =>
          row.area === 'app (functions/, shared/)' ||
          row.area.startsWith('local host') ||
          row.area === '@azure/functions',
      )
      .sort((a, b) => b.hostUs - a.hostUs)
      .slice(0, topN),
  };
  return comparison;
}

function costLine(row: CostRow, withArea: boolean): string {
  const extra = row.hostUs - row.bareUs;
  const figures =
    `${row.bareUs.toFixed(0).padStart(6)} ${row.hostUs.toFixed(0).padStart(6)} ${(extra >= 0 ? '+' : '') + extra.toFixed(0)}`.padEnd(
      22,
    );
  return `  ${figures} ${row.name}${withArea && row.area !== row.name ? `  [${row.area}]` : ''}`;
}

export function formatComparison(comparison: ProfileComparison): string {
  const { bare, host } = comparison;
  return [
    `CPU per answered request (profiled, start-up left out): bare ${bare.usPerRequest.toFixed(0)} µs over ${bare.requests} requests, host ${host.usPerRequest.toFixed(0)} µs over ${host.requests}`,
    '  (profiles: ' + bare.file + ', ' + host.file + ')',
    'Self time by area, µs/request:   bare   host  extra',
    ...comparison.areas.map((row) => costLine(row, false)),
    'Functions the host spends most on beyond the bare server, self µs/request:',
    ...comparison.selfExtra.map((row) => costLine(row, true)),
    'Our code and the Functions layers, inclusive µs/request (time on the stack):',
    ...comparison.hostInclusive.map((row) => costLine(row, true)),
  ].join('\n');
}

/** One profile on its own: share of busy time by area and hottest functions. */
export function formatProfile(totals: ProfileTotals, topN: number): string {
  const share = (us: number): string => `${((us / totals.busyUs) * 100).toFixed(1).padStart(5)}%`;
  const top = (map: ReadonlyMap<string, number>): [string, number][] =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN);
  return [
    `${(totals.busyUs / 1000).toFixed(0)} ms busy, ${(totals.idleUs / 1000).toFixed(0)} ms idle`,
    'Self time by area:',
    ...top(totals.selfByArea).map(([area, us]) => `  ${share(us)}  ${area}`),
    'Self time by function:',
    ...top(totals.selfByFunction).map(([name, us]) => `  ${share(us)}  ${name}`),
    'Inclusive time by function:',
    ...top(totals.inclusiveByFunction).map(([name, us]) => `  ${share(us)}  ${name}`),
  ].join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('Usage: node dist/bench/profile.js <file.cpuprofile> [topN] [skipMs]');
    process.exit(2);
  }
  const [topN, skipMs] = [Number(process.argv[3] ?? 20), Number(process.argv[4] ?? 0)];
  console.log(formatProfile(readProfile(file, skipMs), topN));
}
