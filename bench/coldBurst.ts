/**
 * Load on a cold instance: the local host is spawned and, the moment its port accepts a
 * connection, 32 Entra `tokenIssuanceStart` calls arrive at once (each on its own connection, as
 * Entra's front ends open them), for 32 different users. Each answer is classed:
 * - full: the user's balance, loyalty ID and promo code, within ENTRA_REQUEST_BUDGET_MS;
 * - degraded: Entra's answer with fewer claims (what the app says when storage is too slow),
 *   within the budget;
 * - late: any answer after the budget (Entra has given up by then);
 * - wrong: anything else.
 * Measured from the moment the request is sent, so the figure is an upper bound of what the
 * app itself took.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../scripts/host/azurite';
import { spread, type Spread } from './coldStart';
import type { BenchUser } from './dataset';

export const BURST_SIZE = 32;
/** The app's default ENTRA_REQUEST_BUDGET_MS. */
export const ENTRA_BUDGET_MS = 800;

export interface BurstRun {
  readonly full: number;
  readonly degraded: number;
  readonly late: number;
  readonly wrong: number;
  /** Spawn to the port accepting connections. */
  readonly listeningMs: number;
  /** Slowest answer of the burst, from its request. */
  readonly slowestMs: number;
  readonly wrongSamples: readonly string[];
}

export interface ColdBurstFigures {
  readonly concurrency: number;
  readonly budgetMs: number;
  readonly runs: readonly BurstRun[];
  /** Every answer's time, all runs together. */
  readonly latencyMs: Spread;
  readonly full: number;
  readonly degraded: number;
  readonly late: number;
  readonly wrong: number;
}

const TENANT = '30000000-0000-4000-8000-000000000003';
const APP = '22222222-2222-4222-8222-222222222222';
const CLAIMS_RESPONSE = 'microsoft.graph.onTokenIssuanceStartResponseData';
const PROVIDE_CLAIMS = 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken';

/** Entra's OnTokenIssuanceStart request for one user, as Microsoft's reference shows it. */
export function tokenIssuanceStart(user: BenchUser): string {
  return JSON.stringify({
    type: 'microsoft.graph.authenticationEvent.tokenIssuanceStart',
    source: `/tenants/${TENANT}/applications/${APP}`,
    data: {
      '@odata.type': 'microsoft.graph.onTokenIssuanceStartCalloutData',
      tenantId: TENANT,
      authenticationEventListenerId: '10000000-0000-4000-8000-000000000001',
      customAuthenticationExtensionId: '10000000-0000-4000-8000-000000000002',
      authenticationContext: {
        correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
        client: { ip: '30.51.176.110', locale: 'en-us', market: 'en-us' },
        protocol: 'OAUTH2.0',
        clientServicePrincipal: {
          id: APP,
          appId: APP,
          appDisplayName: 'Bench',
          displayName: 'Bench',
        },
        resourceServicePrincipal: {
          id: APP,
          appId: APP,
          appDisplayName: 'Bench',
          displayName: 'Bench',
        },
        user: {
          id: user.objectId,
          mail: user.email,
          userPrincipalName: user.email,
          identities: [
            { signInType: 'email', issuer: 'bench.onmicrosoft.com', issuerAssignedId: user.email },
          ],
        },
      },
    },
  });
}

export type Verdict = 'full' | 'degraded' | 'wrong';

/** Full, degraded (a correct subset of the claims) or wrong. */
export function classify(status: number, body: string, user: BenchUser): Verdict {
  if (status !== 200) return 'wrong';
  let claims: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(body) as {
      data?: { '@odata.type'?: string; actions?: { '@odata.type'?: string; claims?: object }[] };
    };
    const action = parsed.data?.actions?.[0];
    if (
      parsed.data?.['@odata.type'] === CLAIMS_RESPONSE &&
      action?.['@odata.type'] === PROVIDE_CLAIMS
    ) {
      claims = action.claims as Record<string, unknown>;
    }
  } catch {
    return 'wrong';
  }
  if (claims === undefined) return 'wrong';
  const expected: Record<string, string> = {
    balance: user.balance,
    loyaltyId: user.loyaltyId,
    promoCode: user.promoCode,
  };
  const names = Object.keys(claims);
  if (names.some((name) => claims[name] !== expected[name])) return 'wrong';
  return names.length === Object.keys(expected).length ? 'full' : 'degraded';
}

export async function whenListening(port: number, giveUpAt: number): Promise<void> {
  while (performance.now() < giveUpAt) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await sleep(2);
  }
  throw new Error('the host never listened');
}

/** One POST on its own connection, timed from the moment it is sent. */
export function call(
  port: number,
  body: string,
  path = '/api/EnrichToken',
  headers: Readonly<Record<string, string>> = {},
): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', (error) =>
      resolve({ status: 0, body: error.message, ms: performance.now() - started }),
    );
    req.end(body);
  });
}

export interface Tally {
  full: number;
  degraded: number;
  late: number;
  wrong: number;
  readonly wrongSamples: string[];
}

/** Each answer counted as wrong, late (after ENTRA_BUDGET_MS, from sending) or its verdict. */
export function tally(
  answers: readonly { status: number; body: string; ms: number }[],
  verdictOf: (answer: { status: number; body: string }, index: number) => Verdict,
): Tally {
  const counts: Tally = { full: 0, degraded: 0, late: 0, wrong: 0, wrongSamples: [] };
  answers.forEach((answer, index) => {
    const verdict = verdictOf(answer, index);
    if (verdict === 'wrong') {
      counts.wrong++;
      if (counts.wrongSamples.length < 3)
        counts.wrongSamples.push(`${answer.status} ${answer.body.slice(0, 300)}`);
    } else if (answer.ms > ENTRA_BUDGET_MS) counts.late++;
    else counts[verdict]++;
  });
  return counts;
}

/**
 * Spawns the local host of `appRoot` with `env` (output to `logFile`), waits until its port
 * accepts a connection, runs `work` with the port and the spawn time, then stops the host
 * (SIGINT: a graceful stop, which flushes its telemetry) and waits for it to exit.
 */
export async function withHost<T>(
  env: Readonly<Record<string, string>>,
  appRoot: string,
  logFile: string,
  work: (port: number, spawnedAt: number) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const out = openSync(logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [join(appRoot, 'dist/scripts/start.js')], {
    cwd: appRoot,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await whenListening(port, started + 30_000).catch((error: Error) => {
      throw new Error(`${error.message}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    });
    return await work(port, started);
  } finally {
    child.kill('SIGINT');
    await exited;
  }
}

function burstOnce(
  env: Readonly<Record<string, string>>,
  appRoot: string,
  users: readonly BenchUser[],
  logFile: string,
  times: number[],
): Promise<BurstRun> {
  return withHost(env, appRoot, logFile, async (port, started) => {
    const listeningMs = performance.now() - started;
    const burst = users.slice(0, BURST_SIZE);
    const answers = await Promise.all(burst.map((user) => call(port, tokenIssuanceStart(user))));
    for (const answer of answers) times.push(answer.ms);
    const counts = tally(answers, (answer, index) =>
      classify(answer.status, answer.body, burst[index] as BenchUser),
    );
    return { ...counts, listeningMs, slowestMs: Math.max(...answers.map((a) => a.ms)) };
  });
}

/** `runs` cold hosts, each hit by one burst; `env` is the benchmark's host environment. */
export async function measureColdBurst(
  env: Readonly<Record<string, string>>,
  appRoot: string,
  users: readonly BenchUser[],
  runs: number,
  logFile: string,
): Promise<ColdBurstFigures> {
  if (users.length < BURST_SIZE) throw new Error(`the cold burst needs ${BURST_SIZE} users`);
  const times: number[] = [];
  const all: BurstRun[] = [];
  for (let run = 0; run < runs; run++) {
    all.push(await burstOnce(env, appRoot, users, logFile, times));
  }
  const total = (pick: (run: BurstRun) => number): number =>
    all.reduce((sum, run) => sum + pick(run), 0);
  return {
    concurrency: BURST_SIZE,
    budgetMs: ENTRA_BUDGET_MS,
    runs: all,
    latencyMs: spread(times),
    full: total((r) => r.full),
    degraded: total((r) => r.degraded),
    late: total((r) => r.late),
    wrong: total((r) => r.wrong),
  };
}
