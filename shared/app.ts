/**
 * The composition root, at the top of the app: `app.setup`, the start and terminate hooks,
 * warm-up, the wiring of settings, caller checks, storage and telemetry, and how a function
 * module registers itself (`app.http`, `app.timer`). Nothing else in shared/ imports it; the
 * function modules take their registration from here.
 *
 * The runtime is built once per process, on first use or at app start, never when a function
 * module is imported. A bad setting throws here (ConfigError, naming it), so the app fails at
 * start, not on a sign-up. The app-start hook builds it, which fetches the signing keys, and
 * makes sure of the tables in the background.
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
import { createAuthenticator } from './auth/authenticate';
import { ConfigError, functionsAuthLevel, loadConfig } from './config';
import { DIALECTS } from './dialects/registry';
import { internalError } from './contract/errors';
import type { Deps } from './deps';
import { describeError } from './describeError';
import { message } from './i18n/messages';
import { CounterBreaker } from './loyalty/throttle';
import { createStorage } from './storage/factory';
import { ensureTablesInBackground } from './storage/warmUp';
import { createBackgroundTelemetry } from './telemetry/backgroundTelemetry';
import { noTelemetry } from './telemetry/telemetry';

/** Everything a function is built from, read from the settings in `env`. */
function createRuntime(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Deps & { readonly storageDescription: string } {
  const config = loadConfig(env);
  const telemetry = config.appInsightsConnectionString
    ? createBackgroundTelemetry({
        connectionString: config.appInsightsConnectionString,
        entra: config.appInsightsEntra,
      })
    : noTelemetry;
  // Storage calls are dependencies only when telemetry is on (no work otherwise).
  const storage = createStorage(config, {
    telemetry: telemetry === noTelemetry ? undefined : telemetry,
  });
  return Object.freeze({
    config,
    authenticator: createAuthenticator(config.auth, {
      entraBudgetMs: config.entra.requestBudgetMs,
    }),
    repository: storage.repository(),
    attempts: storage.attempts(),
    counterBreaker: new CounterBreaker(),
    telemetry,
    clock: () => new Date(),
    storageDescription: storage.description,
  });
}

let runtime: ReturnType<typeof createRuntime> | undefined;

/** The process-wide runtime, built on first use. */
function getRuntime(): ReturnType<typeof createRuntime> {
  runtime ??= createRuntime();
  return runtime;
}

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

/**
 * Once, before the first registration: the library's defaults (no HTTP streaming), the runtime
 * built when the host starts the app, and what runs in the background stopped at the end.
 */
function setUpApp(): void {
  if (hooked) return;
  hooked = true;
  app.setup({ enableHttpStream: false });
  app.hook.appStart(async () => {
    const deps = getRuntime();
    console.log(`Storage: ${deps.storageDescription}`);
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
  return DIALECTS.fallback.error(
    failure,
    message('en', failure.userMessageKey),
    context.invocationId,
  );
}

/** The handler `make` builds from the runtime, made on the first call. */
function lazyHandler(make: (deps: Deps) => HttpHandler): HttpHandler {
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
  setUpApp();
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
  setUpApp();
  let handler: TimerHandler | undefined;
  app.timer(name, {
    schedule,
    handler: (timer, context) => {
      handler ??= make(getRuntime());
      return handler(timer, context);
    },
  });
}
