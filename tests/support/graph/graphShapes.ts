/**
 * The shapes of the Graph stand-in (standIn.ts): requests, replies, routes, the shared store,
 * faults, and the checks a route makes, answering in Graph's error shape.
 */
import type { IncomingMessage } from 'node:http';
import type { ManagedIdentityEndpoint } from '../managedIdentityEndpoint';

/** An answer in Graph's error shape: {"error":{"code","message","innerError"}}. */
export class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface GraphRequest {
  readonly method: string;
  /** The path with its version, e.g. /beta/trustFramework/policies/B2C_1A_X/$value */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** The media type of Content-Type, lower case, without parameters. */
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** The body as JSON, after checking Content-Type is application/json (else a 415/400). */
  json(): Record<string, unknown>;
}

export interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path template: literal segments and {name} for one segment, e.g. /beta/x/{id}/$value */
  readonly path: string;
  handle(request: GraphRequest, params: Readonly<Record<string, string>>): Reply | Promise<Reply>;
}

/** State kept by the stand-in: named collections, shared by the route modules. */
export interface GraphStore {
  collection<T>(name: string): Map<string, T>;
}

/** A module of routes for one area of Graph (B2C, Entra, …), over the shared store. */
export type RouteModule = (store: GraphStore) => readonly Route[];

export interface Fault {
  readonly status: number;
  /** Which requests it hits (default: any). */
  readonly method?: string;
  readonly path?: RegExp;
  /** A Retry-After header value (seconds). */
  readonly retryAfter?: string;
  /** How many matching requests it answers (default 1). */
  readonly times?: number;
}

export interface RecordedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
  /** Whether a fault answered it. */
  readonly fault: boolean;
}

export interface GraphStandIn {
  /** The GRAPH_ENDPOINT: https://127.0.0.1:<port> */
  readonly url: string;
  readonly caFile: string;
  readonly identity: ManagedIdentityEndpoint;
  readonly store: GraphStore;
  readonly requests: readonly RecordedRequest[];
  /** The requests other than GET that a fault did not answer (writes tried). */
  writes(): RecordedRequest[];
  /** Answers the next matching request(s) with this status instead. */
  fault(fault: Fault): void;
  /** GRAPH_ENDPOINT, NODE_EXTRA_CA_CERTS, IDENTITY_ENDPOINT, IDENTITY_HEADER for a child. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export function requireContentType(request: GraphRequest, type: string): void {
  if (request.contentType !== type) {
    throw new GraphFault(
      415,
      'UnsupportedMediaType',
      `${request.method} ${request.path} needs Content-Type ${type} (got ${request.contentType ?? 'none'})`,
    );
  }
}

export function requireProperties(body: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const value = body[name];
    if (value === undefined || value === null || value === '') {
      throw new GraphFault(400, 'BadRequest', `The required property '${name}' is missing.`);
    }
  }
}

export function requireODataType(value: unknown, type: string, where = 'body'): void {
  const actual = (value as Record<string, unknown> | null)?.['@odata.type'];
  if (actual !== type) {
    throw new GraphFault(
      400,
      'BadRequest',
      `${where}: @odata.type must be '${type}' (got ${JSON.stringify(actual)})`,
    );
  }
}
