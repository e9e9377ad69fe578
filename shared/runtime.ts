/**
 * The composition root: settings, the Table repository and telemetry, built once per process
 * from the environment. A bad setting throws here, when the function files load, naming the
 * setting, so the app fails at start rather than on the first sign-up.
 */
import { app } from '@azure/functions';
import { createAuthenticator } from './auth/authenticate';
import { loadConfig } from './config';
import { describeError, type Deps } from './http/pipeline';
import { TableAttemptStore } from './storage/tableAttemptStore';
import { dependencyObserver } from './storage/tableCall';
import { TableLoyaltyRepository } from './storage/tableRepository';
import { createAppInsightsTelemetry } from './telemetry/appInsights';
import { noTelemetry } from './telemetry/telemetry';

let runtime: Deps | undefined;

export function createRuntime(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Deps {
  const config = loadConfig(env);
  const telemetry = config.appInsightsConnectionString
    ? createAppInsightsTelemetry(config.appInsightsConnectionString)
    : noTelemetry;
  // Storage calls are dependencies only when telemetry is on (no work otherwise).
  const observer = telemetry === noTelemetry ? undefined : dependencyObserver(telemetry);
  return Object.freeze({
    config,
    authenticator: createAuthenticator(config.auth),
    repository: new TableLoyaltyRepository({
      connectionString: config.tablesConnectionString,
      loyaltyTableName: config.loyaltyTableName,
      balancesTableName: config.balancesTableName,
      timeoutMs: config.storageTimeoutMs,
      observer,
    }),
    attempts: new TableAttemptStore({
      connectionString: config.tablesConnectionString,
      tableName: config.failedValidationsTableName,
      timeoutMs: config.storageTimeoutMs,
      observer,
    }),
    telemetry,
    clock: () => new Date(),
  });
}

/** The process-wide runtime; the first call also registers table creation at app start. */
export function getRuntime(): Deps {
  if (runtime === undefined) {
    const created = createRuntime();
    runtime = created;
    app.hook.appStart(async () => {
      try {
        await Promise.all([created.repository.init(), created.attempts.init()]);
      } catch (error) {
        // Not fatal: the first call that needs storage creates the tables (and degrades meanwhile).
        console.warn(`Could not create the tables at start: ${describeError(error)}`);
      }
    });
    app.hook.appTerminate(() => created.telemetry.flush().catch(() => undefined));
  }
  return runtime;
}
