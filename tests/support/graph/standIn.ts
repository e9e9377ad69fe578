/**
 * A local stand-in for Microsoft Graph: HTTPS on 127.0.0.1 with a test certificate (a child
 * process trusts it through NODE_EXTRA_CA_CERTS), bearer tokens from the stand-in managed
 * identity endpoint checked on every request (one it issued, for this Graph's audience), state
 * kept per collection, faults on demand (429 with Retry-After, 503, 403, …), and strict routes
 * registered per area: each route module (b2cRoutes.ts, entraRoutes.ts, …) gives the routes of
 * the Graph reference pages it follows, checking method, path and version, content type,
 * required properties and @odata.type, and answering in Graph's error shape.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { startManagedIdentityEndpoint } from '../managedIdentityEndpoint';
import { makeTestCertificate } from '../testCertificate';
import {
  GraphFault,
  requireContentType,
  type Fault,
  type GraphRequest,
  type GraphStandIn,
  type GraphStore,
  type RecordedRequest,
  type Reply,
  type RouteModule,
} from './graphShapes';

export * from './graphShapes';

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] ?? '';
    const g = decodeURIComponent(got[i] ?? '');
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      params[w.slice(1, -1)] = g;
    } else if (w !== g) return undefined;
  }
  return params;
}

function audienceOf(token: string): unknown {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    return (payload as { aud?: unknown }).aud;
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {
    'request-id': randomUUID(),
    ...reply.headers,
  };
  if (reply.json !== undefined) {
    headers['content-type'] = 'application/json;odata.metadata=minimal;charset=utf-8';
    response.writeHead(reply.status, headers);
    response.end(JSON.stringify(reply.json));
  } else if (reply.text !== undefined) {
    headers['content-type'] = reply.contentType ?? 'text/plain';
    response.writeHead(reply.status, headers);
    response.end(reply.text);
  } else {
    response.writeHead(reply.status, headers);
    response.end();
  }
}

const errorReply = (status: number, code: string, message: string, headers = {}): Reply => ({
  status,
  headers,
  json: {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString(), 'request-id': randomUUID() },
    },
  },
});

export async function startGraphStandIn(options: {
  routes: readonly RouteModule[];
}): Promise<GraphStandIn> {
  const certificate = await makeTestCertificate('graph-standin-');
  const identity = await startManagedIdentityEndpoint();
  const collections = new Map<string, Map<string, unknown>>();
  const store: GraphStore = {
    collection<T>(name: string) {
      let found = collections.get(name);
      if (found === undefined) collections.set(name, (found = new Map()));
      return found as Map<string, T>;
    },
  };
  const routes = options.routes.flatMap((module) => module(store));
  const requests: RecordedRequest[] = [];
  const faults: { fault: Fault; left: number }[] = [];
  let url = '';

  const handle = async (request: IncomingMessage, body: Buffer): Promise<[Reply, boolean]> => {
    const parsed = new URL(request.url ?? '/', 'https://127.0.0.1');
    const method = request.method ?? 'GET';
    const auth = request.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    if (!identity.issuedTokens.includes(token)) {
      return [
        errorReply(401, 'InvalidAuthenticationToken', 'Access token is empty or not one issued.'),
        false,
      ];
    }
    if (audienceOf(token) !== url) {
      return [
        errorReply(401, 'InvalidAuthenticationToken', `Invalid audience: expected ${url}.`),
        false,
      ];
    }
    const active = faults.find(
      (f) =>
        f.left > 0 &&
        (f.fault.method === undefined || f.fault.method === method) &&
        (f.fault.path === undefined || f.fault.path.test(parsed.pathname)),
    );
    if (active !== undefined) {
      active.left -= 1;
      const { status, retryAfter } = active.fault;
      const code =
        status === 429
          ? 'TooManyRequests'
          : status === 403
            ? 'Authorization_RequestDenied'
            : 'ServiceUnavailable';
      const message =
        status === 403 ? 'Insufficient privileges to complete the operation.' : 'Try again later.';
      return [
        errorReply(
          status,
          code,
          message,
          retryAfter === undefined ? {} : { 'retry-after': retryAfter },
        ),
        true,
      ];
    }
    const onPath = routes
      .map((route) => ({ route, params: matchPath(route.path, parsed.pathname) }))
      .filter((m) => m.params !== undefined);
    if (onPath.length === 0) {
      return [
        errorReply(
          400,
          'BadRequest',
          `Resource not found for the segment in '${parsed.pathname}'.`,
        ),
        false,
      ];
    }
    const match = onPath.find((m) => m.route.method === method);
    if (match === undefined) {
      return [
        errorReply(405, 'Request_BadRequest', `${method} is not allowed on ${parsed.pathname}.`),
        false,
      ];
    }
    const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    const graphRequest: GraphRequest = {
      method,
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: request.headers,
      contentType,
      body,
      json() {
        requireContentType(graphRequest, 'application/json');
        try {
          const value: unknown = JSON.parse(body.toString('utf8'));
          if (typeof value !== 'object' || value === null || Array.isArray(value))
            throw new Error();
          return value as Record<string, unknown>;
        } catch {
          throw new GraphFault(400, 'BadRequest', 'The body is not a JSON object.');
        }
      },
    };
    try {
      return [await match.route.handle(graphRequest, match.params ?? {}), false];
    } catch (error) {
      if (error instanceof GraphFault)
        return [errorReply(error.status, error.code, error.message), false];
      return [errorReply(500, 'InternalServerError', String(error)), false];
    }
  };

  const server = createServer(
    { cert: certificate.cert, key: certificate.key },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        void handle(request, body).then(([reply, fault]) => {
          requests.push({
            at: Date.now(),
            method: request.method ?? 'GET',
            path: new URL(request.url ?? '/', 'https://127.0.0.1').pathname,
            status: reply.status,
            contentType: request.headers['content-type'],
            body: body.toString('utf8'),
            fault,
          });
          send(response, reply);
        });
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  return {
    url,
    caFile: certificate.certFile,
    identity,
    store,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET' && !r.fault),
    fault(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    env: () => ({
      GRAPH_ENDPOINT: url,
      NODE_EXTRA_CA_CERTS: certificate.certFile,
      ...identity.env(),
    }),
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await identity.close();
      certificate.cleanup();
    },
  };
}
