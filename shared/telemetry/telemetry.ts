/**
 * A narrow telemetry port. The functions record decisions and exceptions through it; the
 * Application Insights adapter is plugged in only when its connection string is set, so the
 * SDK is never loaded otherwise. Properties must never carry personal data or secrets.
 */
export type TelemetryProperties = Readonly<Record<string, string | undefined>>;

export interface Telemetry {
  trackEvent(name: string, properties: TelemetryProperties): void;
  trackException(error: unknown, properties: TelemetryProperties): void;
}

export const noTelemetry: Telemetry = {
  trackEvent() {},
  trackException() {},
};
