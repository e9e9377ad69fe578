/**
 * Drives one server with one scenario through autocannon. The measurement is made of rounds
 * that the caller interleaves with the other server's (bare, host, host, bare, ...), so a
 * neighbour's load on a shared machine, or Azurite slowing down over the run, weighs on both
 * servers alike. Every answer is checked against the one expected for its user; every latency
 * is kept, so percentiles are exact over all rounds; the CPU time each process spent is read
 * from /proc.
 */
import autocannon from 'autocannon';
import type { BenchUser } from './dataset';
import { cpuMsOf, RssSampler, systemCpu } from './procStats';
import { comparable, type Scenario } from './scenarios';

export interface LoadSettings {
  readonly connections: number;
  /** Total seconds measured per scenario and server, split over the rounds. */
  readonly durationS: number;
  readonly warmupS: number;
  readonly rounds: number;
}

export interface Target {
  readonly baseUrl: string;
  readonly pid: number;
}

export interface LoadFigures {
  /** Answers received while measuring. */
  readonly requests: number;
  readonly durationS: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
    readonly mean: number;
  };
  /** unexpectedStatus + wrongBody + socket (socket includes timeouts). */
  readonly errors: number;
  readonly errorDetail: {
    readonly unexpectedStatus: number;
    readonly wrongBody: number;
    readonly socket: number;
    readonly timeouts: number;
  };
  /** A few wrong answers as received, to tell what went wrong. */
  readonly errorSamples: readonly string[];
  readonly statusCodes: Readonly<Record<string, number>>;
  /** CPU time per answer, µs: where the 2 cores went. Undefined where /proc is unreadable. */
  readonly cpuUsPerRequest: {
    readonly server: number | undefined;
    readonly azurite: number | undefined;
    readonly loadGenerator: number;
  };
  /**
   * Cores busy with anything but the server, Azurite and autocannon while measuring (other
   * people's work on a shared machine), hypervisor steal included. Above ~0.1 the absolute
   * figures are disturbed; the ratios much less, thanks to the interleaved rounds.
   */
  readonly otherCores: number | undefined;
  /** Highest RSS of the server sampled while measuring, MiB. */
  readonly serverRssMb: number | undefined;
}

/** Counts the answers that are not exactly what the scenario expects. */
class Tally {
  unexpectedStatus = 0;
  wrongBody = 0;
  readonly samples: string[] = [];

  constructor(private readonly expectedStatus: number) {}

  record(status: number, body: string, expected: string): void {
    if (status === this.expectedStatus && comparable(body) === expected) return;
    if (status !== this.expectedStatus) this.unexpectedStatus++;
    else this.wrongBody++;
    if (this.samples.length < 3) this.samples.push(`${status} ${body.slice(0, 300)}`);
  }
}

function fire(
  options: autocannon.Options,
  onLatency: (ms: number) => void,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => onLatency(responseTime));
  });
}

/** The value at quantile q of sorted values (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

function difference(after: number | undefined, before: number | undefined): number | undefined {
  return after === undefined || before === undefined ? undefined : after - before;
}

function add(total: number | undefined, part: number | undefined): number | undefined {
  return total === undefined || part === undefined ? undefined : total + part;
}

/** One server under one scenario: warm-up, then measured rounds that accumulate. */
export class ServerLoad {
  private readonly tally: Tally;
  private readonly latencies: number[] = [];
  private seconds = 0;
  private socketErrors = 0;
  private timeouts = 0;
  private readonly statusCodes: Record<string, number> = {};
  private serverCpuMs: number | undefined = 0;
  private azuriteCpuMs: number | undefined = 0;
  private ownCpuUs = 0;
  private otherBusyMs: number | undefined = 0;
  private rssPeakMb: number | undefined;
  /** Every answer, warm-up included: the denominator of a CPU profile. */
  answered = 0;

  constructor(
    readonly target: Target,
    private readonly scenario: Scenario,
    private readonly users: readonly BenchUser[],
    private readonly settings: LoadSettings,
    private readonly azuritePid: number,
  ) {
    this.tally = new Tally(scenario.expectedStatus);
  }

  /**
   * Gives each connection its own slice of the users, so together they ask about every user
   * and no two connections ask about the same one at once (which would only measure the
   * throttle's write conflicts). Slices keep autocannon's request building, inside the measured
   * time, to one request per user.
   */
  private connectionSetup(tally: Tally): (client: autocannon.Client) => void {
    const prepared = this.users.map((user) => this.scenario.request(user));
    const slice = Math.max(1, Math.ceil(prepared.length / this.settings.connections));
    let nextClient = 0;
    return (client) => {
      const start = (nextClient++ * slice) % prepared.length;
      client.setRequests(
        prepared.slice(start, start + slice).map((request) => ({
          method: 'POST',
          path: this.scenario.path,
          headers: { 'content-type': 'application/json' },
          body: request.body,
          onResponse: (status: number, body: string) =>
            tally.record(status, body, request.expected),
        })),
      );
    };
  }

  private options(seconds: number, tally: Tally): autocannon.Options {
    return {
      url: `${this.target.baseUrl}${this.scenario.path}`,
      connections: this.settings.connections,
      duration: seconds,
      pipelining: 1,
      // Longer than any answer the app may give (REQUEST_BUDGET_MS is 3 s): a timeout is a hang.
      timeout: 10,
      method: 'POST',
      setupClient: this.connectionSetup(tally),
    };
  }

  async warmUp(): Promise<void> {
    if (this.settings.warmupS <= 0) return;
    const discarded = new Tally(this.scenario.expectedStatus);
    await fire(this.options(this.settings.warmupS, discarded), () => this.answered++);
  }

  /** One measured round of `seconds`. */
  async round(seconds: number): Promise<void> {
    const sampler = new RssSampler([this.target.pid]);
    const serverCpu = cpuMsOf(this.target.pid);
    const azuriteCpu = cpuMsOf(this.azuritePid);
    const ownCpu = process.cpuUsage();
    const machine = systemCpu();
    const result = await fire(this.options(seconds, this.tally), (ms) => {
      this.latencies.push(ms);
      this.answered++;
    });
    const own = process.cpuUsage(ownCpu);
    const machineAfter = systemCpu();
    const serverMs = difference(cpuMsOf(this.target.pid), serverCpu);
    const azuriteMs = difference(cpuMsOf(this.azuritePid), azuriteCpu);
    const peak = sampler.stop().get(this.target.pid);

    this.seconds += result.duration;
    this.socketErrors += result.errors;
    this.timeouts += result.timeouts;
    for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
      this.statusCodes[code] = (this.statusCodes[code] ?? 0) + (stats.count ?? 0);
    }
    this.serverCpuMs = add(this.serverCpuMs, serverMs);
    this.azuriteCpuMs = add(this.azuriteCpuMs, azuriteMs);
    this.ownCpuUs += own.user + own.system;
    const busyMs = difference(machineAfter?.busyMs, machine?.busyMs);
    const stealMs = difference(machineAfter?.stealMs, machine?.stealMs);
    const others =
      busyMs === undefined ||
      stealMs === undefined ||
      serverMs === undefined ||
      azuriteMs === undefined
        ? undefined
        : busyMs + stealMs - serverMs - azuriteMs - (own.user + own.system) / 1000;
    this.otherBusyMs = add(this.otherBusyMs, others);
    if (peak !== undefined) this.rssPeakMb = Math.max(this.rssPeakMb ?? 0, peak);
  }

  figures(): LoadFigures {
    const sorted = Float64Array.from(this.latencies).sort();
    const requests = sorted.length;
    const mean = requests === 0 ? 0 : sorted.reduce((sum, ms) => sum + ms, 0) / requests;
    const perRequest = (ms: number | undefined): number | undefined =>
      ms === undefined || requests === 0 ? undefined : Math.round((ms * 1000) / requests);
    return {
      requests,
      durationS: round1(this.seconds),
      requestsPerSecond: this.seconds > 0 ? requests / this.seconds : 0,
      latencyMs: {
        p50: round1(quantile(sorted, 0.5)),
        p90: round1(quantile(sorted, 0.9)),
        p99: round1(quantile(sorted, 0.99)),
        max: round1(sorted[sorted.length - 1] ?? 0),
        mean: round1(mean),
      },
      errors: this.tally.unexpectedStatus + this.tally.wrongBody + this.socketErrors,
      errorDetail: {
        unexpectedStatus: this.tally.unexpectedStatus,
        wrongBody: this.tally.wrongBody,
        socket: this.socketErrors,
        timeouts: this.timeouts,
      },
      errorSamples: this.tally.samples,
      statusCodes: this.statusCodes,
      cpuUsPerRequest: {
        server: perRequest(this.serverCpuMs),
        azurite: perRequest(this.azuriteCpuMs),
        loadGenerator: perRequest(this.ownCpuUs / 1000) ?? 0,
      },
      otherCores:
        this.otherBusyMs === undefined || this.seconds === 0
          ? undefined
          : Math.round((Math.max(0, this.otherBusyMs) / (this.seconds * 1000)) * 100) / 100,
      serverRssMb: this.rssPeakMb === undefined ? undefined : round1(this.rssPeakMb),
    };
  }
}
