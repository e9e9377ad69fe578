/**
 * Microsoft Graph for the `npm run connect` commands, on the Azure SDK's HTTP stack
 * (`@azure/core-rest-pipeline`): a bearer token for `<GRAPH_ENDPOINT>/.default` from the
 * credential, calls answered 429, 503 or 504 retried a bounded number of times (after the
 * Retry-After the answer gives, else a growing delay), and a refusal (401/403) turned into one
 * line naming the Graph permission the call needs.
 */
import type { TokenCredential } from '@azure/identity';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  retryPolicy,
  type HttpMethods,
  type Pipeline,
  type PipelineResponse,
  type RetryStrategy,
} from '@azure/core-rest-pipeline';

export const DEFAULT_GRAPH_ENDPOINT = 'https://graph.microsoft.com';
export const DEFAULT_MAX_RETRIES = 4;
const RETRIED = new Set([429, 503, 504]);
/** Without a Retry-After: 1 s, 2 s, 4 s, … at most 16 s. */
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 16_000;

/** The GRAPH_ENDPOINT setting: an https origin (a sovereign cloud's Graph), no path. */
export function graphEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const text = env.GRAPH_ENDPOINT?.trim();
  if (text === undefined || text === '') return DEFAULT_GRAPH_ENDPOINT;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingError(
      `GRAPH_ENDPOINT '${text}' is not a URL (e.g. ${DEFAULT_GRAPH_ENDPOINT})`,
    );
  }
  if (url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new SettingError(
      `GRAPH_ENDPOINT must be an https:// origin without a path (e.g. ${DEFAULT_GRAPH_ENDPOINT}): '${text}'`,
    );
  }
  return url.origin;
}

/** A missing or bad setting: exit code 2, before anything is written. */
export class SettingError extends Error {}

/** Seconds (or an HTTP date) of a Retry-After header, in milliseconds. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** 429, 503 and 504 again, after Retry-After or a growing delay; everything else as it came. */
export function graphRetryStrategy(): RetryStrategy {
  return {
    name: 'graphRetryStrategy',
    retry({ response, retryCount }) {
      if (response === undefined || !RETRIED.has(response.status)) return { skipStrategy: true };
      const after = retryAfterMs(response.headers.get('retry-after'));
      return {
        retryAfterInMs: Math.min(after ?? BASE_DELAY_MS * 2 ** retryCount, MAX_DELAY_MS * 4),
      };
    },
  };
}

/** One Graph call; `permission` is what a 401/403 answer names. */
export interface GraphCall {
  readonly method: HttpMethods;
  /** Path under the endpoint with its version, e.g. `/beta/trustFramework/policies`. */
  readonly path: string;
  /** The Graph permission (or directory role) this call needs. */
  readonly permission: string;
  /** A JSON body (sent as application/json) … */
  readonly json?: unknown;
  /** … or a text body with its content type. */
  readonly text?: { readonly body: string; readonly contentType: string };
  /** Statuses that are answers rather than failures (e.g. 404 for "not there"). */
  readonly accept?: readonly number[];
  /** The Accept header (default application/json), e.g. application/xml for a policy. */
  readonly acceptType?: string;
  /** More request headers, e.g. ConsistencyLevel: eventual for an advanced query. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface GraphAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as JSON (undefined when empty). */
  json<T = unknown>(): T;
}

/** A Graph call that did not succeed. `message` is one line, safe to print. */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly call: Pick<GraphCall, 'method' | 'path' | 'permission'>,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
  /** A 401/403: the signed-in account lacks the permission. */
  get refused(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

function graphErrorOf(call: GraphCall, response: PipelineResponse): GraphError {
  let code: string | undefined;
  let detail = '';
  try {
    const parsed = JSON.parse(response.bodyAsText ?? '') as {
      error?: { code?: unknown; message?: unknown };
    };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') detail = parsed.error.message;
  } catch {
    // not JSON: the status says enough
  }
  const what = `${call.method} ${call.path}`;
  const oneLine = detail.replace(/\s+/g, ' ').trim().slice(0, 300);
  if (response.status === 401 || response.status === 403) {
    return new GraphError(
      `Microsoft Graph refused ${what} (${response.status}${code === undefined ? '' : ` ${code}`}): ` +
        `the signed-in account needs ${call.permission}.`,
      call,
      response.status,
      code,
    );
  }
  return new GraphError(
    `Microsoft Graph answered ${what} with ${response.status}` +
      `${code === undefined ? '' : ` ${code}`}${oneLine === '' ? '' : `: ${oneLine}`}`,
    call,
    response.status,
    code,
  );
}

export interface GraphClientOptions {
  readonly endpoint: string;
  readonly credential: TokenCredential;
  readonly maxRetries?: number;
}

export interface GraphClient {
  readonly endpoint: string;
  /** Sends one call; a status outside 2xx and `accept` throws a GraphError. */
  send(call: GraphCall): Promise<GraphAnswer>;
  /** GET of a JSON resource; undefined when Graph answers 404. */
  getJson<T>(path: string, permission: string): Promise<T | undefined>;
  /** GET of a collection, following @odata.nextLink. */
  list<T>(
    path: string,
    permission: string,
    headers?: Readonly<Record<string, string>>,
  ): Promise<T[]>;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const pipeline: Pipeline = createEmptyPipeline();
  pipeline.addPolicy(
    retryPolicy([graphRetryStrategy()], {
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    }),
  );
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({
      credential: options.credential,
      scopes: `${endpoint}/.default`,
    }),
  );
  const httpClient = createDefaultHttpClient();

  const send = async (call: GraphCall): Promise<GraphAnswer> => {
    const headers = createHttpHeaders({
      ...call.headers,
      accept: call.acceptType ?? 'application/json',
    });
    let body: string | undefined;
    if (call.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(call.json);
    } else if (call.text !== undefined) {
      headers.set('content-type', call.text.contentType);
      body = call.text.body;
    }
    const request = createPipelineRequest({
      url: `${endpoint}${call.path}`,
      method: call.method,
      headers,
      body,
    });
    let response: PipelineResponse;
    try {
      response = await pipeline.sendRequest(httpClient, request);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      const name = error instanceof Error ? error.name : '';
      if (/Credential|Authentication/.test(name)) {
        throw new GraphError(
          `no token for ${endpoint}/.default (${message}): sign in first ` +
            '(az login --tenant <tenant>.onmicrosoft.com --allow-no-subscriptions), or use --device-code',
          call,
        );
      }
      throw new GraphError(`${call.method} ${call.path} could not be sent: ${message}`, call);
    }
    const ok = response.status >= 200 && response.status < 300;
    if (!ok && !(call.accept ?? []).includes(response.status)) throw graphErrorOf(call, response);
    const text = response.bodyAsText ?? '';
    return {
      status: response.status,
      body: text,
      headers: response.headers.toJSON(),
      json: <T>() => (text === '' ? undefined : JSON.parse(text)) as T,
    };
  };

  return {
    endpoint,
    send,
    async getJson<T>(path: string, permission: string) {
      const answer = await send({ method: 'GET', path, permission, accept: [404] });
      return answer.status === 404 ? undefined : answer.json<T>();
    },
    async list<T>(path: string, permission: string, headers?: Readonly<Record<string, string>>) {
      const items: T[] = [];
      let next: string | undefined = path;
      while (next !== undefined) {
        const page: { value?: T[]; '@odata.nextLink'?: string } =
          (await send({ method: 'GET', path: next, permission, headers })).json() ?? {};
        items.push(...(page.value ?? []));
        const link = page['@odata.nextLink'];
        next = link === undefined ? undefined : link.replace(endpoint, '');
      }
      return items;
    },
  };
}
