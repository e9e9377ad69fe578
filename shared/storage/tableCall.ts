/**
 * How every Table Storage call is made: under a timeout that covers the SDK's own retries, with
 * definite answers (404, 409, 412) passed through as RestError and every other failure turned
 * into StorageUnavailableError, which the functions degrade on.
 */
import { RestError, type TableServiceClientOptions } from '@azure/data-tables';
import { StorageUnavailableError } from './repository';

/** SDK retries tuned to fit inside the storage timeout: two quick retries. */
export const RETRY_OPTIONS: TableServiceClientOptions['retryOptions'] = {
  maxRetries: 2,
  retryDelayInMs: 50,
  maxRetryDelayInMs: 400,
};

export function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/** The service's error code: `x-ms-error-code`, where the SDK leaves `code` empty. */
function errorCode(error: RestError): string | undefined {
  return error.code ?? error.response?.headers.get('x-ms-error-code') ?? undefined;
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

function unavailable(operation: string, error: unknown): StorageUnavailableError {
  const status = statusOf(error);
  const detail =
    status !== undefined
      ? `HTTP ${status}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return new StorageUnavailableError(`Table Storage ${operation} failed (${detail})`, error);
}

/** Runs one SDK call within `timeoutMs`. */
export async function tableCall<T>(
  operation: string,
  timeoutMs: number,
  run: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    return await run(AbortSignal.timeout(timeoutMs));
  } catch (error) {
    if (isDefiniteAnswer(error)) throw error;
    throw unavailable(operation, error);
  }
}
