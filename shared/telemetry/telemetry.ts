/**
 * A narrow telemetry port. The functions record requests, decisions and exceptions through it,
 * the Table adapters their storage calls. Only when APPLICATIONINSIGHTS_CONNECTION_STRING is set
 * does the app start a telemetry thread (backgroundTelemetry.ts) that loads the SDK
 * (appInsights.ts); the main thread never loads it. Every value passed here is built by the app itself: no claim value, no URL query,
 * no table key (keys encode emails) ever reaches it.
 */
export type TelemetryProperties = Readonly<Record<string, string | undefined>>;

export interface RequestRecord {
  /** e.g. "POST /api/ValidateProfile" (never the query string). */
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly durationMs: number;
  readonly resultCode: number;
  readonly success: boolean;
  readonly properties: TelemetryProperties;
}

export interface DependencyRecord {
  /** e.g. "read LoyaltyMembers". */
  readonly name: string;
  /** The HTTP method of the call. */
  readonly method: string;
  /** Host of the storage account, e.g. "acme.table.core.windows.net". */
  readonly target: string;
  /** The table's URL, e.g. "https://acme.table.core.windows.net/LoyaltyMembers": no keys. */
  readonly url: string;
  readonly durationMs: number;
  /** HTTP status, or 0 when no answer came. */
  readonly resultCode: number;
  readonly success: boolean;
}

export interface Telemetry {
  /** False when nothing is recorded: callers skip building what they would send. */
  readonly enabled: boolean;
  trackEvent(name: string, properties: TelemetryProperties): void;
  trackException(error: unknown, properties: TelemetryProperties): void;
  trackRequest(request: RequestRecord): void;
  trackDependency(dependency: DependencyRecord): void;
  /** Sends what is buffered (at shutdown). */
  flush(): Promise<void>;
}

export const noTelemetry: Telemetry = {
  enabled: false,
  trackEvent() {},
  trackException() {},
  trackRequest() {},
  trackDependency() {},
  async flush() {},
};
