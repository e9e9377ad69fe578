/**
 * A cold instance in Azure's shape (azureShape.ts): the host is spawned with the deployed app's
 * settings and, the moment its port accepts a connection, `burst` Entra calls arrive at once,
 * each on its own connection with its own bearer token check: tokenIssuanceStart (EnrichToken)
 * and attributeCollectionSubmit (ValidateProfile), alternating, for different users. The first
 * calls wait for everything a fresh instance fetches: a managed identity token for storage,
 * Entra's signing keys, the first table reads. Each answer is full (every claim, or the promo
 * code), degraded (Entra's answer without the data, within ENTRA_REQUEST_BUDGET_MS), late, or
 * wrong. Aim: every answer full, the slowest under 1,000 ms from sending (Entra's default wait).
 */
import { performance } from 'node:perf_hooks';
import { attributeCollectionSubmit, APP_ID } from '../scripts/preview/simulators/entraEvents';
import type { AzureShape } from './azureShape';
import { API_APP_ID } from './azureShape';
import { call, classify, ENTRA_BUDGET_MS, tally, tokenIssuanceStart, withHost } from './coldBurst';
import { spread, type Spread } from './coldStart';
import type { BenchUser } from './dataset';

export const ENTRA_WAIT_MS = 1000;
const SUBMIT_RESPONSE = 'microsoft.graph.onAttributeCollectionSubmitResponseData';
const MODIFY = 'microsoft.graph.attributeCollectionSubmit.modifyAttributeValues';
const VALIDATION_ERROR = 'microsoft.graph.attributeCollectionSubmit.showValidationError';

export interface AzureColdRun {
  readonly spawnToPortMs: number;
  /** Every call's latency from sending, in the order sent. */
  readonly latenciesMs: readonly number[];
  readonly full: number;
  readonly degraded: number;
  readonly late: number;
  readonly wrong: number;
  readonly wrongSamples: readonly string[];
  /** Token requests to the identity endpoint and key fetches during this run. */
  readonly identityCalls: number;
  readonly keyFetches: number;
}

export interface AzureColdFigures {
  readonly burst: number;
  readonly budgetMs: number;
  readonly identityDelayMs: number;
  readonly keysDelayMs: number;
  readonly runs: readonly AzureColdRun[];
  readonly spawnToPortMs: Spread;
  readonly latencyMs: Spread;
  readonly slowestMs: number;
  readonly allFull: boolean;
}

function submitBody(user: BenchUser): string {
  const attribute = (name: string, value: string) => ({
    [`extension_${APP_ID}_${name}`]: {
      '@odata.type': 'microsoft.graph.stringDirectoryAttributeValue',
      value,
      attributeType: 'directorySchemaExtension',
    },
  });
  return JSON.stringify(
    attributeCollectionSubmit(user.email, {
      ...attribute('loyaltyId', user.loyaltyId),
      ...attribute('promoCode', ''),
    }),
  );
}

/** The submit answer: full (the user's promo code), degraded (try again), or wrong. */
function classifySubmit(
  status: number,
  body: string,
  user: BenchUser,
): 'full' | 'degraded' | 'wrong' {
  if (status !== 200) return 'wrong';
  try {
    const data = (
      JSON.parse(body) as {
        data?: { '@odata.type'?: string; actions?: Record<string, unknown>[] };
      }
    ).data;
    const action = data?.actions?.[0];
    if (data?.['@odata.type'] !== SUBMIT_RESPONSE || action === undefined) return 'wrong';
    if (action['@odata.type'] === VALIDATION_ERROR) return 'degraded';
    const attributes = action.attributes as Record<string, unknown> | undefined;
    const promo = attributes?.[`extension_${APP_ID}_promoCode`];
    return action['@odata.type'] === MODIFY && promo === user.promoCode ? 'full' : 'wrong';
  } catch {
    return 'wrong';
  }
}

async function coldOnce(
  shape: AzureShape,
  appRoot: string,
  users: readonly BenchUser[],
  burst: number,
  logFile: string,
): Promise<AzureColdRun> {
  const token = await shape.keys.token(API_APP_ID);
  const headers = { authorization: `Bearer ${token}` };
  const identityBefore = shape.identity.calls.length;
  const keysBefore = shape.keys.fetches();
  return withHost(shape.hostEnv(), appRoot, logFile, async (port, started) => {
    const spawnToPortMs = performance.now() - started;
    const chosen = users.slice(0, burst);
    const answers = await Promise.all(
      chosen.map((user, index) =>
        index % 2 === 0
          ? call(port, tokenIssuanceStart(user), '/api/EnrichToken', headers)
          : call(port, submitBody(user), '/api/ValidateProfile', headers),
      ),
    );
    const counts = tally(answers, (answer, index) => {
      const user = chosen[index] as BenchUser;
      return index % 2 === 0
        ? classify(answer.status, answer.body, user)
        : classifySubmit(answer.status, answer.body, user);
    });
    return {
      spawnToPortMs,
      latenciesMs: answers.map((a) => Math.round(a.ms * 10) / 10),
      ...counts,
      identityCalls: shape.identity.calls.length - identityBefore,
      keyFetches: shape.keys.fetches() - keysBefore,
    };
  });
}

/** `runs` cold hosts in Azure's shape, each hit by one burst of Entra calls. */
export async function measureAzureCold(
  shape: AzureShape,
  options: {
    appRoot: string;
    users: readonly BenchUser[];
    runs: number;
    burst: number;
    identityDelayMs: number;
    keysDelayMs: number;
    logFile: string;
  },
): Promise<AzureColdFigures> {
  const runs: AzureColdRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    // Each run's users are new to that host (no cache of an earlier run can help).
    const users = options.users.slice(i * options.burst, (i + 1) * options.burst);
    runs.push(await coldOnce(shape, options.appRoot, users, options.burst, options.logFile));
  }
  const latencies = runs.flatMap((r) => r.latenciesMs);
  return {
    burst: options.burst,
    budgetMs: ENTRA_BUDGET_MS,
    identityDelayMs: options.identityDelayMs,
    keysDelayMs: options.keysDelayMs,
    runs,
    spawnToPortMs: spread(runs.map((r) => r.spawnToPortMs)),
    latencyMs: spread(latencies),
    slowestMs: Math.max(...latencies),
    allFull: runs.every((r) => r.full === options.burst),
  };
}

export function azureColdText(figures: AzureColdFigures): string {
  const lines = [
    `Cold instance in Azure's shape: ${figures.runs.length} cold starts, ${figures.burst} Entra calls at once ` +
      `(tokenIssuanceStart and attributeCollectionSubmit alternating), identity endpoint +${figures.identityDelayMs} ms, ` +
      `keys endpoint +${figures.keysDelayMs} ms, budget ${figures.budgetMs} ms`,
    ...figures.runs.map(
      (r, i) =>
        `  run ${i + 1}: spawn→port ${r.spawnToPortMs.toFixed(0)} ms; answers ${Math.min(...r.latenciesMs).toFixed(0)}–` +
        `${Math.max(...r.latenciesMs).toFixed(0)} ms; full ${r.full}, degraded ${r.degraded}, late ${r.late}, ` +
        `wrong ${r.wrong}; ${r.identityCalls} token request(s), ${r.keyFetches} key fetch(es)` +
        (r.wrongSamples.length > 0 ? `\n    wrong: ${r.wrongSamples.join('\n    wrong: ')}` : ''),
    ),
    `  latency from sending: median ${figures.latencyMs.median} ms, slowest ${figures.slowestMs.toFixed(0)} ms`,
    `  aim (every answer full, slowest < ${ENTRA_WAIT_MS} ms): ${
      figures.allFull && figures.slowestMs < ENTRA_WAIT_MS ? 'met' : 'MISSED'
    }`,
  ];
  return lines.join('\n');
}
