/**
 * health: anonymous liveness and storage reachability, to smoke-test a ServiceUrl.
 * 200 {"status":"ok","storage":"ok"} or 503 {"status":"degraded","storage":"unavailable"}.
 * Shows nothing sensitive: no connection string, account or table name.
 */
import { app, type HttpHandler } from '@azure/functions';
import { jsonResponse } from '../shared/contract/json';
import { BUDGET_SPENT, describeError, within, type Deps } from '../shared/http/pipeline';
import { API_VERSION } from '../shared/contract/version';
import { getRuntime } from '../shared/runtime';

export const HEALTH_TIMEOUT_MS = 1000;

export function makeHealth(deps: Deps, timeoutMs = HEALTH_TIMEOUT_MS): HttpHandler {
  return async (_request, context) => {
    let storage: 'ok' | 'unavailable' = 'ok';
    try {
      if ((await within(deps.repository.ping(), timeoutMs)) === BUDGET_SPENT) {
        throw new Error(`no answer within ${timeoutMs} ms`);
      }
    } catch (error) {
      storage = 'unavailable';
      context.warn(`health [${context.invocationId}] storage unavailable: ${describeError(error)}`);
    }
    return jsonResponse(storage === 'ok' ? 200 : 503, {
      status: storage === 'ok' ? 'ok' : 'degraded',
      storage,
      version: API_VERSION,
    });
  };
}

app.http('health', {
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: makeHealth(getRuntime()),
});
