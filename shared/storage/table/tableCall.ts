/**
 * How every Table Storage call is made: under a timeout that covers the SDK's own retries, with
 * definite answers (404, 409, 412) passed through as RestError and every other failure turned
 * into StorageUnavailableError, which the functions degrade on.
 */
import { RestError, type TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { boundedSignal, type Signal } from '../../abort';
import type { Telemetry } from '../../telemetry/telemetry';
import { StorageUnavailableError } from '../../loyalty/ports';

/** SDK retries tuned to fit inside the storage timeout: two quick retries. */
export const RETRY_OPTIONS: TableServiceClientOptions['retryOptions'] = {
  maxRetries: 2,
  retryDelayInMs: 50,
  maxRetryDelayInMs: 400,
};

export function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/**
 * The service's error code: the SDK's `code`, else `x-ms-error-code`, else the error body's code
 * (an XML answer, e.g. a 403 AuthenticationFailed for a token the account rejects).
 */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof RestError)) return undefined;
  const fromBody = (error.details as { errorCode?: unknown } | undefined)?.errorCode;
  return (
    error.code ??
    error.response?.headers.get('x-ms-error-code') ??
    (typeof fromBody === 'string' ? fromBody : undefined)
  );
}

export function isTableNotFound(error: unknown): boolean {
  return (
    error instanceof RestError && error.statusCode === 404 && errorCode(error) === 'TableNotFound'
  );
}

function isDefiniteAnswer(error: unknown): error is RestError {
  const status = statusOf(error);
  return status === 404 || status === 409 || status === 412;
}

/**
 * Why a call failed, for the log: the status and the service's error code (a 403
 * AuthorizationPermissionMismatch says the identity lacks a role), or the error's kind. Never a
 * header, a key or a token.
 */
function unavailable(operation: string, error: unknown): StorageUnavailableError {
  const status = statusOf(error);
  const code = errorCode(error);
  const detail =
    status !== undefined
      ? `HTTP ${status}${code ? ` ${code}` : ''}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : typeof error;
  return new StorageUnavailableError(`Table Storage ${operation} failed (${detail})`, error);
}

/** Told of every storage call: what, on which table, how long, how it ended. */
export type StorageObserver = (call: {
  readonly operation: string;
  readonly table: TableClient;
  readonly durationMs: number;
  /** HTTP status of the answer, or 0 when none came (timeout, refused). */
  readonly status: number;
}) => void;

export interface TableCallOptions {
  readonly timeoutMs: number;
  readonly observer?: StorageObserver | undefined;
}

/**
 * Runs one SDK call on `table` within the storage timeout and the request's own deadline
 * (`signal`, when given: the call is cancelled when the request is over), telling the observer
 * how it went.
 */
export async function tableCall<T>(
  operation: string,
  table: TableClient,
  options: TableCallOptions,
  run: (abortSignal: AbortSignal) => Promise<T>,
  signal?: Signal,
): Promise<T> {
  const started = performance.now();
  let status = 200;
  // Not AbortSignal.timeout: its timer outlives a call that succeeded (and builds an error when
  // it fires); this one is cleared as soon as the call settles.
  const bounded = boundedSignal(
    signal,
    options.timeoutMs,
    () => new Error(`no answer within ${options.timeoutMs} ms`),
    true,
  );
  try {
    return await run(bounded.signal);
  } catch (error) {
    status = statusOf(error) ?? 0;
    if (isDefiniteAnswer(error)) throw error;
    throw unavailable(operation, error);
  } finally {
    bounded.dispose();
    options.observer?.({ operation, table, durationMs: performance.now() - started, status });
  }
}

/** The HTTP method each storage operation sends. */
const METHODS: Readonly<Record<string, string>> = {
  read: 'GET',
  query: 'GET',
  createTable: 'POST',
  insert: 'POST',
  transaction: 'POST',
  upsert: 'PUT',
  write: 'PUT',
};

/** A storage observer that records each call as a telemetry dependency (no keys, ever). */
export function dependencyObserver(telemetry: Telemetry): StorageObserver {
  return ({ operation, table, durationMs, status }) => {
    const url = new URL(table.url);
    telemetry.trackDependency({
      name: `${operation} ${table.tableName}`,
      method: METHODS[operation] ?? 'POST',
      target: url.host,
      url: `${url.origin}${url.pathname.replace(/\/+$/, '')}/${table.tableName}`,
      durationMs,
      resultCode: status,
      success: status > 0 && status < 500,
    });
  };
}
