/**
 * The local host's HTTP work around a handler: reading the request target and body, and
 * writing answers (the common JSON one without building the library's HttpResponse).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function hostError(response: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ version: '1.0.0', status, userMessage: message, code: 'Host' });
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolveBody(tooLarge ? 'tooLarge' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly payload: Buffer;
}

export async function fromHttpResponse(
  response: import('@azure/functions').HttpResponse,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, payload: Buffer.from(await response.arrayBuffer()) };
}

/** Statuses whose answers have no body (the library drops it, as fetch's Response does). */
const NULL_BODY = new Set([204, 205, 304]);

/**
 * The common answer, `{ status, jsonBody, headers }` with plain string headers and no cookies,
 * written as the library's HttpResponse writes it (JSON.stringify of jsonBody; content-type
 * application/json unless given) without building one: its web streams cost more than the rest
 * of a request. Anything else goes through HttpResponse itself.
 */
export function jsonAnswer(result: unknown): Answer | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const init = result as import('@azure/functions').HttpResponseInit;
  const status = init.status ?? 200;
  if (init.jsonBody === undefined || init.cookies !== undefined || NULL_BODY.has(status)) {
    return undefined;
  }
  const headers: Record<string, string> = {};
  if (init.headers !== undefined) {
    if (typeof init.headers !== 'object' || Array.isArray(init.headers)) return undefined;
    if (init.headers instanceof Headers) return undefined;
    for (const [name, value] of Object.entries(init.headers)) {
      if (typeof value !== 'string') return undefined;
      headers[name.toLowerCase()] = value;
    }
  }
  headers['content-type'] ??= 'application/json';
  return { status, headers, payload: Buffer.from(JSON.stringify(init.jsonBody), 'utf8') };
}

/**
 * The request target as a path and query. The common one is used as received; one with dot
 * segments, escapes, backslashes or an absolute form goes through URL, which normalizes it as
 * the real front end does.
 */
export function plainTarget(raw: string): string {
  const queryAt = raw.indexOf('?');
  const path = queryAt === -1 ? raw : raw.slice(0, queryAt);
  if (path.startsWith('/') && !/[.%\\]|\/\//.test(path)) return raw;
  const url = new URL(raw, 'http://localhost');
  return `${url.pathname}${url.search}`;
}

/** A path as routes are keyed: no trailing slash, lower case (routes are case-insensitive). */
export function normalizedPath(pathname: string): string {
  let end = pathname.length;
  while (end > 1 && pathname.charCodeAt(end - 1) === 47) end--;
  return (end === pathname.length ? pathname : pathname.slice(0, end)).toLowerCase();
}
