/**
 * Runs the real `@azure/identity` + `@azure/data-tables` in a fresh child node process, as the
 * app would run in Azure: NODE_EXTRA_CA_CERTS (read only at process start) trusts the test
 * certificate, IDENTITY_ENDPOINT/IDENTITY_HEADER point at the stand-in, and nothing else from
 * this machine leaks in (no AZURE_* secrets, no HOME, so no Azure CLI login). The child prints
 * one `RESULT <json>` line; every error it meets is also printed with console.error, as an app
 * log would, so that a test can check the printed output for secrets.
 */
import { runProcess } from './runProcess';
import { APP_ROOT } from './host';

export type CredentialKind =
  /** new DefaultAzureCredential(options) */
  | 'default'
  /** new DefaultAzureCredential({ managedIdentityClientId, ...options }) */
  | 'defaultWithClientId'
  /** new ManagedIdentityCredential(options): system-assigned */
  | 'managedIdentity'
  /** new ManagedIdentityCredential({ clientId, ...options }) */
  | 'managedIdentityWithClientId';

export interface ChildOptions {
  credential: CredentialKind;
  /** The client id for the *WithClientId kinds; default: the child's AZURE_CLIENT_ID. */
  clientId?: string;
  /** More constructor options (JSON), e.g. { retryOptions: { maxRetries: 0 } }. */
  credentialOptions?: Record<string, unknown>;
  /** The table endpoint (https://127.0.0.1:<port>/devstoreaccount1). */
  endpoint: string;
  action: ChildAction;
}

export type ChildAction =
  /** createTable, upsertEntity, getEntity: the HTTP statuses. */
  | { kind: 'roundtrip'; table: string }
  /** `count` concurrent getEntity as the first calls, then one more from a second client. */
  | { kind: 'concurrent'; table: string; count: number }
  /** One getEntity (optionally with an abortSignal that fires after abortMs). */
  | { kind: 'read'; table: string; abortMs?: number }
  /** credential.getToken for storage, timed from construction. */
  | { kind: 'token' };

export interface ChildError {
  name: string;
  constructorName: string;
  message: string;
  statusCode?: number;
  /** error.code, or a RestError's details.errorCode (x-ms-error-code). */
  code?: string;
  /** An AggregateAuthenticationError's errors. */
  errors?: { name: string; message: string }[];
}

export interface ChildResult {
  statuses: number[];
  error?: ChildError;
  /** Wall time of the action (ms), from before the credential was made. */
  elapsedMs: number;
  /** Date.now() at named points, to split the stand-in's calls into phases. */
  marks: Record<string, number>;
  values: Record<string, unknown>;
}

export interface ChildRun {
  result: ChildResult;
  /** Everything the child printed (stdout and stderr). */
  output: string;
  exitCode: number | null;
}

const SCRIPT = String.raw`
const started = Date.now();
const { TableClient } = require('@azure/data-tables');
const identity = require('@azure/identity');
const options = JSON.parse(process.argv[1]);
const { credential: kind, endpoint, action } = options;
const result = { statuses: [], elapsedMs: 0, marks: {}, values: {} };
const onResponse = (response) => result.statuses.push(response.status);
function makeCredential() {
  const extra = options.credentialOptions || {};
  const clientId = options.clientId !== undefined ? options.clientId : process.env.AZURE_CLIENT_ID;
  if (kind === 'managedIdentity') return new identity.ManagedIdentityCredential(extra);
  if (kind === 'managedIdentityWithClientId') {
    return new identity.ManagedIdentityCredential({ clientId, ...extra });
  }
  if (kind === 'defaultWithClientId') {
    return new identity.DefaultAzureCredential({ managedIdentityClientId: clientId, ...extra });
  }
  return new identity.DefaultAzureCredential(extra);
}
function describe(error) {
  return {
    name: error.name,
    constructorName: error.constructor && error.constructor.name,
    message: String(error.message),
    statusCode: error.statusCode,
    code: error.code || (error.details && error.details.errorCode),
    errors: Array.isArray(error.errors)
      ? error.errors.map((e) => ({ name: e.name, message: String(e.message) }))
      : undefined,
  };
}
async function run() {
  const t0 = Date.now();
  result.values.requireMs = t0 - started;
  const credential = makeCredential();
  const client = action.table ? new TableClient(endpoint, action.table, credential) : undefined;
  try {
    if (action.kind === 'roundtrip') {
      await client.createTable({ onResponse });
      await client.upsertEntity({ partitionKey: 'p', rowKey: 'r', value: 'probe' }, 'Replace', { onResponse });
      const entity = await client.getEntity('p', 'r', { onResponse });
      result.values.value = entity.value;
    } else if (action.kind === 'concurrent') {
      result.marks.start = Date.now();
      const entities = await Promise.all(
        Array.from({ length: action.count }, () => client.getEntity('p', 'r', { onResponse })),
      );
      result.values.read = entities.length;
      result.marks.concurrentDone = Date.now();
      const second = new TableClient(endpoint, action.table, makeCredential());
      await second.getEntity('p', 'r', { onResponse });
      result.marks.secondDone = Date.now();
    } else if (action.kind === 'read') {
      const abortSignal = action.abortMs ? AbortSignal.timeout(action.abortMs) : undefined;
      await client.getEntity('p', 'r', { onResponse, abortSignal });
    } else if (action.kind === 'token') {
      const token = await credential.getToken('https://storage.azure.com/.default');
      result.values.expiresInS = Math.round((token.expiresOnTimestamp - Date.now()) / 1000);
      result.values.refreshAfterS = token.refreshAfterTimestamp
        ? Math.round((token.refreshAfterTimestamp - Date.now()) / 1000)
        : null;
    }
  } catch (error) {
    result.error = describe(error);
    console.error(error);
  }
  result.elapsedMs = Date.now() - t0;
  console.log('RESULT ' + JSON.stringify(result));
}
run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** Runs one action in a fresh node process with exactly `env` (plus PATH). */
export async function runIdentityChild(
  options: ChildOptions,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ChildRun> {
  const { code, output } = await runProcess(
    process.execPath,
    ['-e', SCRIPT, JSON.stringify(options)],
    { cwd: APP_ROOT, env, timeoutMs },
  );
  const line = output.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`identity child gave no result (${code}):\n${output}`);
  return {
    result: JSON.parse(line.slice('RESULT '.length)) as ChildResult,
    output,
    exitCode: code,
  };
}
