/**
 * health: anonymous liveness and storage reachability, to smoke-test a ServiceUrl.
 * 200 {"status":"ok","storage":"ok"} or 503 {"status":"degraded","storage":"unavailable"}.
 * Shows nothing sensitive: no connection string, account or table name.
 */
import { app, type HttpHandler } from '@azure/functions';
import { describeError, type Deps } from '../shared/http/pipeline';
import { API_VERSION } from '../shared/contract/version';
import { getRuntime } from '../shared/runtime';

export const HEALTH_TIMEOUT_MS = 1000;

export function makeHealth(deps: Deps, timeoutMs = HEALTH_TIMEOUT_MS): HttpHandler {
  return async (_request, context) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    let storage: 'ok' | 'unavailable' = 'ok';
    try {
      await Promise.race([deps.repository.ping(), deadline]);
    } catch (error) {
      storage = 'unavailable';
      context.warn(`health [${context.invocationId}] storage unavailable: ${describeError(error)}`);
    } finally {
      clearTimeout(timer);
    }
    return {
      status: storage === 'ok' ? 200 : 503,
      jsonBody: { status: storage === 'ok' ? 'ok' : 'degraded', storage, version: API_VERSION },
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    };
  };
}

app.http('health', {
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: makeHealth(getRuntime()),
});
