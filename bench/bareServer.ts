/**
 * The limit the functions are measured against: a bare `node:http` server (its own process,
 * started like the host) that makes the fewest Table Storage calls each answer needs through
 * @azure/data-tables, against the same Azurite and tables, and answers the same JSON. No
 * Functions library, no validation, no language choice, no logging, no request budget: what is
 * left is the price of HTTP, JSON and the storage calls, which no implementation can avoid.
 *
 * ValidateProfile keeps the app's guessing throttle, because it decides the answer: a right pair
 * is one point read of the member (whose row carries the throttle's mark); a wrong one then reads
 * the email's failure counter and writes it with the ETag of that read (insert when there was
 * none; on a conflict, read and write again).
 *
 * Env: PORT, TABLES_CONNECTION_STRING, LOYALTY_TABLE_NAME, BALANCES_TABLE_NAME,
 * FAILED_VALIDATIONS_TABLE_NAME, MAX_FAILED_VALIDATIONS, FAILED_VALIDATION_WINDOW_MINUTES.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { odata, RestError, TableClient } from '@azure/data-tables';
import { emailRowRange, memberKeys, memberPartition } from '../shared/storage/table/keys';

const API_VERSION = '1.0.0';
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

interface Member {
  loyaltyId: string;
  promoCode: string;
  status: string;
  throttledUntil?: string;
}

type Claims = Record<string, unknown>;
type Answer = readonly [status: number, body: object];

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`bare server: ${name} is not set`);
  return value;
}

const connectionString = setting('TABLES_CONNECTION_STRING');
// Azurite speaks http; the SDK refuses that unless told, exactly as the app's connection.ts does.
const members = TableClient.fromConnectionString(connectionString, setting('LOYALTY_TABLE_NAME'), {
  allowInsecureConnection: true,
});
const balances = TableClient.fromConnectionString(
  connectionString,
  setting('BALANCES_TABLE_NAME'),
  { allowInsecureConnection: true },
);
const failures = TableClient.fromConnectionString(
  connectionString,
  setting('FAILED_VALIDATIONS_TABLE_NAME'),
  { allowInsecureConnection: true },
);
const maxFailures = Number(setting('MAX_FAILED_VALIDATIONS'));
const windowMs = Number(setting('FAILED_VALIDATION_WINDOW_MINUTES')) * 60_000;
const COUNTER_ROW = 'attempts';

interface Counter {
  count: number;
  windowStart: string;
  etag: string;
}

/**
 * The app's key encoding (shared/storage/table/keys.ts) for short values: base64url of the text. Member
 * keys come from keys.ts itself: the layout is the app's, the storage calls the bare minimum.
 */
function key(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : String(value ?? '').trim();
}

async function pointRead<T extends object>(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<T | undefined> {
  try {
    return await table.getEntity<T>(partitionKey, rowKey);
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return undefined;
    throw error;
  }
}

async function firstActiveMember(email: string): Promise<Member | undefined> {
  const { from, to } = emailRowRange(email);
  const pages = members.listEntities<Member>({
    queryOptions: {
      filter: odata`PartitionKey eq ${memberPartition(email)} and RowKey ge ${from} and RowKey lt ${to}`,
    },
  });
  for await (const member of pages) if (member.status === 'active') return member;
  return undefined;
}

async function balanceOf(objectId: string): Promise<string | undefined> {
  const row = await pointRead<{ balance: string }>(balances, key(objectId), 'balance');
  return row?.balance;
}

function windowOpen(counter: Counter | undefined, now: number): counter is Counter {
  return counter !== undefined && now < Date.parse(counter.windowStart) + windowMs;
}

/** Counts one failure, with the ETag of the read already made; re-reads only on a conflict. */
async function recordFailure(partitionKey: string, read: Counter | undefined): Promise<void> {
  let counter = read;
  for (;;) {
    const now = Date.now();
    const open = windowOpen(counter, now);
    const entity = {
      partitionKey,
      rowKey: COUNTER_ROW,
      count: open ? (counter?.count ?? 0) + 1 : 1,
      windowStart: open ? (counter?.windowStart ?? '') : new Date(now).toISOString(),
    };
    try {
      if (counter === undefined) await failures.createEntity(entity);
      else await failures.updateEntity(entity, 'Replace', { etag: counter.etag });
      return;
    } catch (error) {
      const conflict =
        error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412);
      if (!conflict) throw error;
      counter = await pointRead<Counter>(failures, partitionKey, COUNTER_ROW);
    }
  }
}

function rejection(userFlow: boolean, code: string, userMessage: string): Answer {
  const body = { userMessage, code, requestId: randomUUID() };
  return userFlow
    ? [400, { version: API_VERSION, status: 400, action: 'ValidationError', ...body }]
    : [409, { version: API_VERSION, status: 409, ...body }];
}

async function validateProfile(claims: Claims): Promise<Answer> {
  const userFlow = claims.step !== undefined;
  const email = text(claims.email).toLowerCase();
  const loyaltyId = text(userFlow ? claims.extension_loyaltyId : claims.loyaltyId);
  const memberKey = memberKeys(email, loyaltyId);
  const member = await pointRead<Member>(members, memberKey.partitionKey, memberKey.rowKey);
  const throttled = (): Answer =>
    rejection(
      userFlow,
      'TooManyAttempts',
      'Too many attempts. Please wait a few minutes and try again.',
    );
  if (member?.throttledUntil !== undefined && Date.parse(member.throttledUntil) > Date.now()) {
    return throttled();
  }
  if (member === undefined) {
    const counter = await pointRead<Counter>(failures, key(email), COUNTER_ROW);
    if (windowOpen(counter, Date.now()) && counter.count >= maxFailures) return throttled();
    await recordFailure(key(email), counter);
    return rejection(
      userFlow,
      'NotAssociated',
      `Loyalty ID '${loyaltyId}' is not associated with '${email}' email address.`,
    );
  }
  return userFlow
    ? [200, { version: API_VERSION, action: 'Continue', extension_promoCode: member.promoCode }]
    : [200, { promoCode: member.promoCode }];
}

async function getProfile(claims: Claims): Promise<Answer> {
  const balance = await balanceOf(text(claims.objectId));
  return claims.step !== undefined
    ? [200, { version: API_VERSION, action: 'Continue', extension_balance: balance }]
    : [200, { balance }];
}

async function enrichToken(claims: Claims): Promise<Answer> {
  const [balance, member] = await Promise.all([
    balanceOf(text(claims.objectId)),
    firstActiveMember(text(claims.email).toLowerCase()),
  ]);
  const flat = { balance, loyaltyId: member?.loyaltyId, promoCode: member?.promoCode };
  if (claims.step === undefined) return [200, flat];
  return [
    200,
    {
      version: API_VERSION,
      action: 'Continue',
      extension_balance: flat.balance,
      extension_loyaltyId: flat.loyaltyId,
      extension_promoCode: flat.promoCode,
    },
  ];
}

/** The app's health check: one point read of the balances table (its row need not exist). */
async function health(): Promise<Answer> {
  await pointRead(balances, 'health', 'ping');
  return [200, { status: 'ok', storage: 'ok', version: API_VERSION }];
}

const ROUTES: ReadonlyMap<string, (claims: Claims) => Promise<Answer>> = new Map([
  ['/api/ValidateProfile', validateProfile],
  ['/api/GetProfile', getProfile],
  ['/api/EnrichToken', enrichToken],
  ['/api/health', health],
]);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, [status, body]: Answer): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { ...HEADERS, 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const route = ROUTES.get((request.url ?? '/').split('?')[0] ?? '/');
  if (route === undefined) return send(response, [404, { status: 404 }]);
  try {
    const raw = await readBody(request);
    const claims = (raw === '' ? {} : JSON.parse(raw)) as Claims;
    send(response, await route(claims));
  } catch (error) {
    // Counted as an error by the benchmark; the reason goes to the log for whoever looks.
    console.error(`bare server: ${error instanceof Error ? error.message : String(error)}`);
    if (!response.headersSent) send(response, [500, { status: 500 }]);
  }
}

/**
 * The counter table may not exist yet (the host creates it at its start, in parallel): made in
 * the background, as the app does, so that the cold start measures the same path.
 */
async function createTables(): Promise<void> {
  for (const table of [members, balances, failures]) {
    await table.createTable().catch((error: unknown) => {
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
    });
  }
}

const port = Number(process.env.PORT ?? '0');
const server = createServer((request, response) => void handle(request, response));
server.listen(port, '127.0.0.1', () => console.log(`bare server listening on ${port}`));
createTables().catch((error: unknown) =>
  console.error(`bare server: ${error instanceof Error ? error.message : String(error)}`),
);
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections(); // nothing is worth finishing here: the benchmark is over
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
