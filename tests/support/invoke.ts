/**
 * Calls a handler the way the Functions host does: the library's own HttpRequest, built from
 * what the host hands the worker (scripts/host/hostRequest.ts: query and repeated headers
 * joined with `,`, a body only with a Content-Length), and the library's InvocationContext, with
 * a logHandler that captures every log line.
 */
import {
  HttpRequest,
  HttpResponse,
  InvocationContext,
  type HttpHandler,
  type HttpResponseInit,
} from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { hostRequestInit } from '../../scripts/host/hostRequest';
import { createAuthenticator } from '../../shared/auth/authenticate';
import { loadConfig } from '../../shared/config';
import type { Deps } from '../../shared/deps';
import { MemoryAttemptStore } from './memoryAttemptStore';
import { type AttemptStore } from '../../shared/loyalty/ports';
import { CounterBreaker } from '../../shared/loyalty/throttle';
import { MemoryLoyaltyRepository } from './memoryRepository';
import type { LoyaltyRepository } from '../../shared/loyalty/ports';
import type {
  DependencyRecord,
  RequestRecord,
  Telemetry,
  TelemetryProperties,
} from '../../shared/telemetry/telemetry';

export interface LogLine {
  readonly level: string;
  readonly message: string;
}

export interface RecordedTelemetry extends Telemetry {
  readonly events: { name: string; properties: TelemetryProperties }[];
  readonly exceptions: { error: unknown; properties: TelemetryProperties }[];
  readonly requests: RequestRecord[];
  readonly dependencies: DependencyRecord[];
}

export function recordingTelemetry(): RecordedTelemetry {
  const events: RecordedTelemetry['events'] = [];
  const exceptions: RecordedTelemetry['exceptions'] = [];
  const requests: RequestRecord[] = [];
  const dependencies: DependencyRecord[] = [];
  return {
    enabled: true,
    events,
    exceptions,
    requests,
    dependencies,
    trackEvent: (name, properties) => events.push({ name, properties }),
    trackException: (error, properties) => exceptions.push({ error, properties }),
    trackRequest: (request) => requests.push(request),
    trackDependency: (dependency) => dependencies.push(dependency),
    flush: async () => undefined,
  };
}

/** What `npm start` and Core Tools set: the only environment where API_AUTH may be absent. */
export const DEVELOPMENT = { AZURE_FUNCTIONS_ENVIRONMENT: 'Development' } as const;

export interface TestDeps extends Deps {
  readonly telemetry: RecordedTelemetry;
}

export function testDeps(
  options: {
    repository?: LoyaltyRepository;
    attempts?: AttemptStore;
    env?: Record<string, string>;
    clock?: () => Date;
  } = {},
): TestDeps {
  const config = loadConfig({ ...DEVELOPMENT, ...options.env });
  return {
    config,
    authenticator: createAuthenticator(config.auth, {
      entraBudgetMs: config.entra.requestBudgetMs,
    }),
    repository: options.repository ?? new MemoryLoyaltyRepository(),
    attempts: options.attempts ?? new MemoryAttemptStore(),
    counterBreaker: new CounterBreaker(),
    telemetry: recordingTelemetry(),
    clock: options.clock ?? (() => new Date()),
  };
}

export interface RequestSpec {
  readonly method?: 'GET' | 'POST' | 'PUT';
  /** Sent as application/json unless contentType says otherwise. */
  readonly json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Record<string, string> | string;
  /** Raw body with the given content type. */
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
  /** The URL's query; a string may repeat a key (`a=1&a=2`), which the host joins (`1,2`). */
  readonly query?: Record<string, string> | string;
  readonly headers?: Record<string, string>;
  /** More headers as sent, after `headers`: a name may repeat, and the host joins with `,`. */
  readonly headerLines?: readonly (readonly [string, string])[];
  /** Sends the body chunked (no Content-Length), which the host does not pass on. */
  readonly chunked?: boolean;
  readonly functionName?: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly logs: LogLine[];
  readonly invocationId: string;
}

export function buildRequest(spec: RequestSpec, functionName = 'Test'): HttpRequest {
  const sent = [...Object.entries(spec.headers ?? {}), ...(spec.headerLines ?? [])];
  const named = (name: string): boolean => sent.some(([n]) => n.toLowerCase() === name);
  const headers: (readonly [string, string])[] = [['host', 'localhost:7071'], ...sent];
  let body: Buffer | undefined;
  let contentType = spec.contentType;
  if (spec.json !== undefined) {
    body = Buffer.from(typeof spec.json === 'string' ? spec.json : JSON.stringify(spec.json));
    contentType ??= 'application/json';
  } else if (spec.form !== undefined) {
    const form = typeof spec.form === 'string' ? spec.form : new URLSearchParams(spec.form);
    body = Buffer.from(form.toString());
    contentType ??= 'application/x-www-form-urlencoded';
  } else if (spec.body !== undefined) {
    body = Buffer.from(spec.body);
  }
  if (contentType !== undefined && body !== undefined && !named('content-type')) {
    headers.push(['content-type', contentType]);
  }
  if (body !== undefined && !named('content-length')) {
    headers.push(
      spec.chunked === true
        ? ['transfer-encoding', 'chunked']
        : ['content-length', String(body.length)],
    );
  }
  const query =
    spec.query === undefined
      ? ''
      : `?${typeof spec.query === 'string' ? spec.query : new URLSearchParams(spec.query).toString()}`;
  return new HttpRequest(
    hostRequestInit({
      method: spec.method ?? (body === undefined ? 'GET' : 'POST'),
      target: `/api/${functionName}${query}`,
      rawHeaders: headers.flat(),
      body,
    }),
  );
}

export async function invoke(handler: HttpHandler, spec: RequestSpec): Promise<Answer> {
  const logs: LogLine[] = [];
  const invocationId = randomUUID();
  const functionName = spec.functionName ?? 'Test';
  const context = new InvocationContext({
    invocationId,
    functionName,
    logHandler: (level, ...args) => logs.push({ level, message: args.map(String).join(' ') }),
  });
  const result = await handler(buildRequest(spec, functionName), context);
  const response =
    result instanceof HttpResponse ? result : new HttpResponse(result as HttpResponseInit);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: jsonOrUndefined(text),
    logs,
    invocationId,
  };
}

/** The JSON value of a text, or undefined when it is not JSON. */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
