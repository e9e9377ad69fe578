/**
 * The Application Insights adapter of the telemetry port: the `applicationinsights` SDK (3.x,
 * built on OpenTelemetry), required only on the telemetry thread (telemetryWorker.ts), started
 * only when a connection string is configured: loading it costs about a second of CPU.
 *
 * The client is isolated (`useGlobalProviders: false`): no auto-instrumentation, so nothing the
 * app did not build itself is sent — an auto-collected request would carry SendClaimsIn
 * QueryString claims in its URL, and an auto-collected Table dependency would carry its keys,
 * which encode emails. Sampling is off (every decision counts), and the SDK's own statsbeat is
 * disabled: it would call the Azure metadata endpoint and Microsoft's collector.
 */
import type { TelemetryClient } from 'applicationinsights';
import type { DependencyRecord, RequestRecord, Telemetry, TelemetryProperties } from './telemetry';
import { errorOf, plainError } from './telemetryMessages';

function defined(properties: TelemetryProperties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) if (value !== undefined) out[key] = value;
  return out;
}

export interface AppInsightsOptions {
  readonly connectionString: string;
  /** Local authentication disabled: send with the managed identity's token (its client id). */
  readonly entra?: { readonly clientId: string | undefined } | undefined;
  readonly roleName?: string;
}

export function createAppInsightsTelemetry(options: AppInsightsOptions): Telemetry {
  const { connectionString, entra, roleName = 'b2c-claims-api' } = options;
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT ??= 'true';
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED ??= 'true';
  process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED ??= 'true';
  // Loaded here, not at the top: without a connection string the SDK is never loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('applicationinsights') as typeof import('applicationinsights');
  const client: TelemetryClient = new sdk.TelemetryClient(connectionString, {
    useGlobalProviders: false,
  });
  client.config.samplingPercentage = 100;
  if (entra !== undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const identity = require('@azure/identity') as typeof import('@azure/identity');
    client.config.aadTokenCredential =
      entra.clientId === undefined
        ? new identity.ManagedIdentityCredential()
        : new identity.ManagedIdentityCredential({ clientId: entra.clientId });
  }
  client.context.tags[client.context.keys.cloudRole] = roleName;

  return {
    enabled: true,
    trackEvent(name, properties) {
      client.trackEvent({ name, properties: defined(properties) });
    },
    trackException(error, properties) {
      client.trackException({
        exception: errorOf(plainError(error)),
        properties: defined(properties),
      });
    },
    trackRequest(request: RequestRecord) {
      client.trackRequest({
        name: request.name,
        url: request.url,
        duration: request.durationMs,
        // The exporter reads the status only from HTTP spans: name the method as an attribute.
        resultCode: String(request.resultCode),
        success: request.success,
        properties: { ...defined(request.properties), 'http.method': request.method },
      });
    },
    trackDependency(dependency: DependencyRecord) {
      client.trackDependency({
        name: dependency.name,
        // Table Storage is HTTP; the URL names the table, never an entity's keys.
        dependencyTypeName: 'HTTP',
        target: dependency.target,
        data: dependency.url,
        duration: dependency.durationMs,
        resultCode: dependency.resultCode,
        success: dependency.success,
        // As for requests: the exporter reads HTTP fields only from spans with a method.
        properties: { 'http.method': dependency.method, operation: dependency.name },
      });
    },
    flush: () => client.flush(),
  };
}
