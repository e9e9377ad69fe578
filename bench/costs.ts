/**
 * What each journey costs in billable units: Table Storage transactions (a counting proxy in
 * front of Azurite sees every request the app makes), Application Insights bytes (a local
 * ingestion endpoint counts the envelopes' uncompressed JSON) and each call's duration at one
 * connection on a warm host. Per journey, two hosts: one that runs the journey once (warm-up)
 * and stops, one that runs it once and then `count` times more and stops; the difference of
 * their telemetry, divided by `count`, is the journey's (stopping flushes what is buffered).
 * docs/cost.md turns the figures into money.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { TestCertificate } from '../tests/support/testCertificate';
import { attributeCollectionSubmit, APP_ID } from '../scripts/preview/simulators/entraEvents';
import type { AzureShape } from './azureShape';
import { TABLES } from './azureShape';
import { call, tokenIssuanceStart, withHost } from './coldBurst';
import type { BenchUser } from './dataset';

const CLIENT_ID = '93fd07aa-333c-409d-955d-96008fd08dd9';

interface Step {
  readonly path: string;
  readonly body: string;
}

/** One journey for a member (`user`) signing up (or in) as the user `objectId`. */
export interface Journey {
  readonly id: string;
  readonly what: string;
  steps(user: BenchUser, objectId: string): Step[];
}

const cp = (path: string, body: object): Step => ({ path, body: JSON.stringify(body) });
const extension = (name: string, value: string) => ({
  [`extension_${APP_ID}_${name}`]: {
    '@odata.type': 'microsoft.graph.stringDirectoryAttributeValue',
    value,
    attributeType: 'directorySchemaExtension',
  },
});

export const JOURNEYS: readonly Journey[] = [
  {
    id: 'b2c-policy-signup',
    what: 'B2C custom policy sign-up: ValidateProfile, GetProfile (the kit calls no EnrichToken)',
    steps: (user, objectId) => [
      cp('/api/ValidateProfile', { email: user.email, loyaltyId: user.loyaltyId, lang: '1033' }),
      cp('/api/GetProfile', { objectId, lang: '1033' }),
    ],
  },
  {
    id: 'b2c-policy-signin',
    what: 'B2C custom policy sign-in: GetProfile of an existing user',
    steps: (user) => [cp('/api/GetProfile', { objectId: user.objectId, lang: '1033' })],
  },
  {
    id: 'user-flow-signup',
    what: 'B2C user-flow sign-up: PostAttributeCollection, PreTokenIssuance',
    steps: (user, objectId) => [
      cp('/api/ValidateProfile', {
        step: 'PostAttributeCollection',
        client_id: CLIENT_ID,
        ui_locales: 'en-US',
        email: user.email,
        extension_loyaltyId: user.loyaltyId,
      }),
      cp('/api/EnrichToken', {
        step: 'PreTokenIssuance',
        client_id: CLIENT_ID,
        ui_locales: 'en-US',
        email: user.email,
        objectId,
      }),
    ],
  },
  {
    id: 'entra-signup',
    what: 'Entra External ID sign-up: attributeCollectionSubmit, tokenIssuanceStart',
    steps: (user, objectId) => [
      cp(
        '/api/ValidateProfile',
        attributeCollectionSubmit(user.email, {
          ...extension('loyaltyId', user.loyaltyId),
          ...extension('promoCode', ''),
        }),
      ),
      { path: '/api/EnrichToken', body: tokenIssuanceStart({ ...user, objectId }) },
    ],
  },
  {
    id: 'wrong-guess',
    what: 'A wrong loyalty ID (custom policy ValidateProfile, 409, counted by the throttle)',
    steps: (user) => [
      cp('/api/ValidateProfile', { email: user.email, loyaltyId: `9${user.loyaltyId}` }),
    ],
  },
];

export interface JourneyCost {
  readonly id: string;
  readonly what: string;
  readonly calls: number;
  /** Table Storage requests per journey, by kind ("GET point read", …) and in all. */
  readonly transactions: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly telemetryBytes: number;
  readonly telemetryItems: number;
  /** Median duration of each step at one connection, ms (client side, localhost). */
  readonly stepMedianMs: readonly number[];
  readonly statuses: readonly number[];
}

function kindOf(method: string, url: string): string {
  const path = decodeURIComponent(url.split('?')[0] ?? '');
  if (path.endsWith('$batch')) return `${method} batch`;
  if (/\/Tables(\(|$)/.test(path)) return `${method} table`;
  if (/\(PartitionKey='.*',RowKey='.*'\)$/.test(path)) {
    return method === 'GET' ? 'GET point read' : `${method} entity`;
  }
  return method === 'GET' ? 'GET query' : `${method} entity`;
}

/** An HTTP proxy to Azurite's HTTPS table endpoint that counts every request by kind. */
async function countingProxy(target: { port: number; ca: string }) {
  const counts = new Map<string, number>();
  const server = createHttpServer((req, res) => {
    const kind = kindOf(req.method ?? 'GET', req.url ?? '/');
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const upstream = httpsRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${target.port}` },
        ca: target.ca,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await listen(server);
  return { port: portOf(server), counts, close: () => close(server) };
}

/** Application Insights' ingestion (POST /v2.1/track) that counts envelopes and their bytes. */
async function countingIngestion(certificate: TestCertificate) {
  const totals = { bytes: 0, items: 0 };
  const server = createHttpsServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const items = (JSON.parse(body.toString('utf8') || '[]') as unknown[]) ?? [];
      totals.items += items.length;
      for (const item of items) totals.bytes += Buffer.byteLength(JSON.stringify(item));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }),
      );
    });
  });
  await listen(server);
  return { port: portOf(server), totals, close: () => close(server) };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}
function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10;
};

/** Every journey `count` times on warm hosts; `users` must hold count + 1 members. */
export async function measureCosts(
  shape: AzureShape,
  certificate: TestCertificate,
  options: { appRoot: string; users: readonly BenchUser[]; count: number; logFile: string },
): Promise<JourneyCost[]> {
  const proxy = await countingProxy({ port: shape.azurite.port, ca: certificate.cert });
  const ingestion = await countingIngestion(certificate);
  const key = /AccountKey=([^;]+)/.exec(shape.azurite.connectionString)?.[1] ?? '';
  const env = {
    ...shape.hostEnv(),
    API_AUTH: 'none',
    ALLOW_INSECURE_AUTH: 'true',
    TABLES_ENDPOINT: '',
    TABLES_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};TableEndpoint=http://127.0.0.1:${proxy.port}/devstoreaccount1;`,
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=https://127.0.0.1:${ingestion.port}/`,
    ...TABLES,
  };
  const results: JourneyCost[] = [];
  try {
    for (const [index, journey] of JOURNEYS.entries()) {
      const fresh = (i: number) => `c${index}000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const warm = options.users[0] as BenchUser;
      const before = { ...ingestion.totals };
      await onHost(env, options, async (port) => {
        for (const step of journey.steps(warm, fresh(0))) await call(port, step.body, step.path);
      });
      const warmOnly = ingestion.totals.bytes - before.bytes;
      const warmItems = ingestion.totals.items - before.items;
      const start = { ...ingestion.totals };
      const times: number[][] = journey.steps(warm, fresh(0)).map(() => []);
      const statuses = new Set<number>();
      let counted = new Map<string, number>();
      await onHost(env, options, async (port) => {
        for (const step of journey.steps(warm, fresh(999_999)))
          await call(port, step.body, step.path);
        proxy.counts.clear();
        for (let i = 1; i <= options.count; i++) {
          const user = options.users[i] as BenchUser;
          const steps = journey.steps(user, fresh(i));
          for (const [s, step] of steps.entries()) {
            const answer = await call(port, step.body, step.path);
            statuses.add(answer.status);
            times[s]?.push(answer.ms);
          }
        }
        counted = new Map(proxy.counts);
      });
      const transactions = [...counted.values()].reduce((a, b) => a + b, 0);
      results.push({
        id: journey.id,
        what: journey.what,
        calls: times.length,
        transactions: transactions / options.count,
        byKind: Object.fromEntries([...counted].map(([k, v]) => [k, v / options.count])),
        telemetryBytes: Math.round(
          (ingestion.totals.bytes - start.bytes - warmOnly) / options.count,
        ),
        telemetryItems: (ingestion.totals.items - start.items - warmItems) / options.count,
        stepMedianMs: times.map(median),
        statuses: [...statuses],
      });
    }
  } finally {
    await proxy.close();
    await ingestion.close();
  }
  return results;
}

/** A host for `work`, stopped after it (which flushes the telemetry), then a moment's wait. */
async function onHost(
  env: Record<string, string>,
  options: { appRoot: string; logFile: string },
  work: (port: number) => Promise<void>,
): Promise<void> {
  await withHost(env, options.appRoot, options.logFile, work);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

export function costsText(costs: readonly JourneyCost[]): string {
  const rows = costs.map(
    (c) =>
      `  ${c.id.padEnd(18)} ${String(c.calls).padStart(5)} ${c.transactions.toFixed(2).padStart(8)}  ` +
      `${String(c.telemetryBytes).padStart(8)} ${c.telemetryItems.toFixed(1).padStart(6)}  ` +
      `${c.stepMedianMs.map((m) => m.toFixed(1)).join(' + ')} ms  [${Object.entries(c.byKind)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}] status ${c.statuses.join('/')}`,
  );
  return [
    'Per journey: calls, Table Storage transactions, telemetry bytes and items, step medians',
    '  journey            calls    trans.     bytes  items  durations',
    ...rows,
  ].join('\n');
}
