/**
 * What a child process costs, read from /proc (Linux): resident memory and CPU time. Elsewhere
 * the readers answer undefined and the report leaves the figures out, rather than guessing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Memory {
  /** Resident set size now, MiB. */
  readonly rssMb: number;
  /** Peak resident set size since the process started (VmHWM), MiB. */
  readonly peakMb: number;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

function statusKb(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function memoryOf(pid: number): Memory | undefined {
  const status = readProc(pid, 'status');
  if (status === undefined) return undefined;
  const rss = statusKb(status, 'VmRSS');
  const peak = statusKb(status, 'VmHWM');
  if (rss === undefined || peak === undefined) return undefined;
  return { rssMb: rss / 1024, peakMb: peak / 1024 };
}

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc/<pid>/stat times (almost always 100). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time the process has used so far, ms. */
export function cpuMsOf(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / clockTicks();
}

export interface SystemCpu {
  /** CPU time all processes of the machine have used, ms (all cores together). */
  readonly busyMs: number;
  /** Time the hypervisor gave our virtual CPUs to someone else, ms. */
  readonly stealMs: number;
}

/** The machine-wide counters of /proc/stat, to tell how much else ran during a measurement. */
export function systemCpu(): SystemCpu | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  const toMs = 1000 / clockTicks();
  return { busyMs: (user + nice + system + irq + softirq) * toMs, stealMs: steal * toMs };
}

/** Samples the resident size of some processes while a measurement runs; keeps the highest. */
export class RssSampler {
  private readonly peaks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pids: readonly number[],
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  private sample(): void {
    for (const pid of this.pids) {
      const memory = memoryOf(pid);
      if (memory === undefined) continue;
      this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, memory.rssMb));
    }
  }

  /** Stops sampling; the highest RSS seen per pid, MiB. */
  stop(): ReadonlyMap<number, number> {
    this.sample();
    clearInterval(this.timer);
    return this.peaks;
  }
}
