/**
 * How a function module registers itself with the Functions host (`app.http`, `app.timer`)
 * without building anything: its handler is made from the runtime on the first call, and the
 * app-start hook builds the runtime (reading every setting, so a bad one stops the app at start),
 * which fetches the signing keys, and ensures the tables in the background.
 *
 * Registration happens only under a Functions host (Azure's Node worker, Core Tools, or the local
 * host of `npm start`, which all provide `@azure/functions-core`, as the library itself checks):
 * there it reads the one setting the host needs as metadata, FUNCTIONS_AUTH_LEVEL. Imported
 * anywhere else (a unit test), a function module registers nothing and reads no environment.
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
import { errorAnswer } from '../dialects/registry';
import { internalError } from '../contract/errors';
import type { Deps } from '../deps';
import { describeError } from '../describeError';
import { message } from '../i18n/messages';
import { getRuntime } from '../runtime';
import { describeTables } from '../storage/credential';
import { ensureTablesInBackground } from '../storage/warmUp';

let hooked = false;

/** True under a Functions host: the module the library registers through can be loaded. */
function underFunctionsHost(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@azure/functions-core');
    return true;
  } catch {
    return false;
  }
}

/** Builds the runtime when the host starts the app; stops what runs in the background at the end. */
function hookAppLifecycle(): void {
  if (hooked) return;
  hooked = true;
  app.hook.appStart(async () => {
    const deps = getRuntime();
    console.log(`Storage: ${describeTables(deps.config.tables)}`);
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
  authLevel?: 'anonymous' | 'function' | 'admin',
): void {
  if (!underFunctionsHost()) return;
  hookAppLifecycle();
  app.http(name, {
    methods,
    authLevel: authLevel ?? functionsAuthLevel(),
    handler: lazyHandler(make),
  });
}

/** A timer function, its handler made from the runtime on the first run. */
export function registerTimerFunction(
  name: string,
  schedule: string,
  make: (deps: Deps) => TimerHandler,
): void {
  if (!underFunctionsHost()) return;
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
