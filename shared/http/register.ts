/**
 * How a function module registers itself with the Functions host (`app.http`, `app.timer`) without building
 * anything: its handler is made from the runtime on the first call, and the app-start hook builds
 * the runtime (reading every setting, so a bad one stops the app at start), fetches the signing
 * keys, and ensures the tables in the background. The one setting read at registration is
 * FUNCTIONS_AUTH_LEVEL: the host needs it as metadata before any call.
 */
import {
  app,
  type HttpHandler,
  type HttpMethod,
  type HttpResponseInit,
  type InvocationContext,
  type TimerHandler,
} from '@azure/functions';
import { ConfigError, functionsAuthLevel } from '../config';
import { errorAnswer } from '../contract/answers';
import { internalError } from '../contract/errors';
import type { Deps } from '../deps';
import { describeError } from '../describeError';
import { message } from '../i18n/messages';
import { getRuntime } from '../runtime';
import { ensureTablesInBackground } from '../storage/warmUp';

let hooked = false;

/** Builds the runtime when the host starts the app; stops what runs in the background at the end. */
function hookAppLifecycle(): void {
  if (hooked) return;
  hooked = true;
  app.hook.appStart(async () => {
    const deps = getRuntime();
    await ensureTablesInBackground([deps.repository, deps.attempts], (text) => console.warn(text));
  });
  app.hook.appTerminate(async () => {
    const deps = getRuntime();
    deps.authenticator.close();
    await deps.telemetry.flush().catch(() => undefined);
  });
}

/** A settings problem found on a call (the app-start hook already logged it): fail closed. */
function misconfigured(error: unknown, context: InvocationContext): HttpResponseInit {
  context.error(`${context.functionName} [${context.invocationId}] ${describeError(error)}`);
  const failure = internalError();
  return errorAnswer(
    failure,
    message('en', failure.userMessageKey),
    'customPolicy',
    context.invocationId,
  );
}

/** The handler `make` builds from the runtime, made on the first call. */
export function lazyHandler(make: (deps: Deps) => HttpHandler): HttpHandler {
  let handler: HttpHandler | undefined;
  return async (request, context) => {
    try {
      handler ??= make(getRuntime());
    } catch (error) {
      if (error instanceof ConfigError) return misconfigured(error, context);
      throw error;
    }
    return handler(request, context);
  };
}

export function registerHttpFunction(
  name: string,
  methods: HttpMethod[],
  make: (deps: Deps) => HttpHandler,
  authLevel: 'anonymous' | 'function' | 'admin' = functionsAuthLevel(),
): void {
  hookAppLifecycle();
  app.http(name, { methods, authLevel, handler: lazyHandler(make) });
}

/** A timer function, its handler made from the runtime on the first run. */
export function registerTimerFunction(
  name: string,
  schedule: string,
  make: (deps: Deps) => TimerHandler,
): void {
  hookAppLifecycle();
  let handler: TimerHandler | undefined;
  app.timer(name, {
    schedule,
    handler: (timer, context) => {
      handler ??= make(getRuntime());
      return handler(timer, context);
    },
  });
}
