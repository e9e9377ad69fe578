/**
 * health: anonymous liveness and storage reachability, to smoke-test a ServiceUrl.
 * 200 {"status":"ok","storage":"ok"} or 503 {"status":"degraded","storage":"unavailable"}.
 * Shows nothing sensitive: no connection string, account or table name.
 */
import type { HttpHandler } from '@azure/functions';
import { jsonResponse } from '../shared/contract/json';
import { API_VERSION } from '../shared/contract/version';
import type { Deps } from '../shared/deps';
import { describeError } from '../shared/describeError';
import { Deadline } from '../shared/http/deadline';
import { registerHttpFunction } from '../shared/app';

export const HEALTH_TIMEOUT_MS = 1000;

export function makeHealth(deps: Deps, timeoutMs = HEALTH_TIMEOUT_MS): HttpHandler {
  return async (_request, context) => {
    let storage: 'ok' | 'unavailable' = 'ok';
    const deadline = new Deadline(timeoutMs);
    try {
      await deadline.race(deps.repository.ping({ signal: deadline.signal }));
    } catch (error) {
      storage = 'unavailable';
      context.warn(`health [${context.invocationId}] storage unavailable: ${describeError(error)}`);
    } finally {
      deadline.settle();
    }
    return jsonResponse(storage === 'ok' ? 200 : 503, {
      status: storage === 'ok' ? 'ok' : 'degraded',
      storage,
      version: API_VERSION,
    });
  };
}

registerHttpFunction('health', ['GET'], makeHealth, 'anonymous');
