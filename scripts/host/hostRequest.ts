/**
 * What the Azure Functions host hands the Node.js worker for an HTTP request, built from the
 * request as received. The host (RpcMessageConversionExtensions.ToRpcHttp, with the capabilities
 * the Node.js worker declares: RawHttpBodyBytes, IgnoreEmptyValuedRpcHttpHeaders,
 * UseNullableValueDictionaryForHttp) passes ASP.NET's view of the request:
 * - the query as one value per key (keys case-insensitive, as ASP.NET's query collection), a
 *   repeated key's values joined with `,` (`StringValues.ToString()`): `?a=1&a=2` → `a: '1,2'`;
 * - the headers with lower-cased names, a repeated header's values joined with `,`, headers with
 *   an empty value left out;
 * - the body as bytes, and only when the request has a `Content-Length` above 0: a chunked body
 *   is not passed.
 * The URL is `http://<Host header><target>`, as the host's is `<scheme>://<host><path><query>`.
 * The worker builds the library's HttpRequest from this (its `query` comes from this record, not
 * the URL). The local host and the unit tests' helper build their requests here, so a handler
 * sees locally what it sees on Azure.
 */
import type { HttpRequestInit } from '@azure/functions';

export interface ReceivedRequest {
  readonly method: string;
  /** The request target as received: a path and a query (`/api/GetProfile?objectId=…`). */
  readonly target: string;
  /** Names and values in the order received, repeats kept: `[name, value, name, value…]`. */
  readonly rawHeaders: readonly string[];
  /** The bytes received after the headers (empty or undefined when none). */
  readonly body: Uint8Array | undefined;
}

/** The init the worker builds the library's HttpRequest from (every field present). */
export interface HostRequestInit extends HttpRequestInit {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;
  readonly params: Record<string, string>;
  readonly body: { readonly bytes: Uint8Array } | undefined;
}

export function hostRequestInit(request: ReceivedRequest): HostRequestInit {
  const headers = joinedHeaders(request.rawHeaders);
  const length = Number(headers['content-length'] ?? '0');
  const body = request.body;
  return {
    method: request.method.toUpperCase(),
    url: `http://${headers.host ?? 'localhost'}${request.target}`,
    headers,
    query: joinedQuery(searchOf(request.target)),
    params: {},
    body: length > 0 && body !== undefined && body.length > 0 ? { bytes: body } : undefined,
  };
}

/** Lower-cased names; a repeated header's values joined with `,`; empty values left out. */
export function joinedHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    const before = headers[name];
    headers[name] = before === undefined ? value : `${before},${value}`;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === '') delete headers[name];
  }
  return headers;
}

/** One value per key (the first spelling of a key names it), repeated keys joined with `,`. */
export function joinedQuery(search: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (search === '') return query;
  const spelling = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(search)) {
    const folded = key.toLowerCase();
    const name = spelling.get(folded);
    if (name === undefined) {
      spelling.set(folded, key);
      query[key] = value;
    } else {
      query[name] = `${query[name] ?? ''},${value}`;
    }
  }
  return query;
}

/** The query string of a request target without its `?` and fragment ('' when there is none). */
function searchOf(target: string): string {
  const at = target.indexOf('?');
  if (at === -1) return '';
  const hash = target.indexOf('#', at);
  return hash === -1 ? target.slice(at + 1) : target.slice(at + 1, hash);
}
