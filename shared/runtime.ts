/**
 * The composition root: settings, caller checks, the Table adapters and telemetry, built once
 * per process, on first use or at app start, never when a function module is imported. A bad
 * setting throws here (ConfigError, naming it), so the app fails at start, not on a sign-up.
 */
import { createAuthenticator } from './auth/authenticate';
import { loadConfig } from './config';
import type { Deps } from './deps';
import { tablesTarget } from './storage/credential';
import { TableAttemptStore } from './storage/tableAttemptStore';
import { dependencyObserver } from './storage/tableCall';
import { TableLoyaltyRepository } from './storage/tableRepository';
import { CounterBreaker } from './loyalty/throttle';
import { createBackgroundTelemetry } from './telemetry/backgroundTelemetry';
import { noTelemetry } from './telemetry/telemetry';

export function createRuntime(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Deps {
  const config = loadConfig(env);
  const telemetry = config.appInsightsConnectionString
    ? createBackgroundTelemetry({
        connectionString: config.appInsightsConnectionString,
        entra: config.appInsightsEntra,
      })
    : noTelemetry;
  // Storage calls are dependencies only when telemetry is on (no work otherwise).
  const observer = telemetry === noTelemetry ? undefined : dependencyObserver(telemetry);
  // One target, so one credential and one token cache for every table.
  const tables = tablesTarget(config.tables);
  return Object.freeze({
    config,
    authenticator: createAuthenticator(config.auth, {
      entraBudgetMs: config.entra.requestBudgetMs,
    }),
    repository: new TableLoyaltyRepository({
      tables,
      loyaltyTableName: config.loyaltyTableName,
      balancesTableName: config.balancesTableName,
      timeoutMs: config.storageTimeoutMs,
      observer,
    }),
    attempts: new TableAttemptStore({
      tables,
      tableName: config.failedValidationsTableName,
      timeoutMs: config.storageTimeoutMs,
      observer,
    }),
    counterBreaker: new CounterBreaker(),
    telemetry,
    clock: () => new Date(),
  });
}

let runtime: Deps | undefined;

/** The process-wide runtime, built on first use. */
export function getRuntime(): Deps {
  runtime ??= createRuntime();
  return runtime;
}
