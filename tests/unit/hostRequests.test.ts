/**
 * The app gets its requests as the Functions host hands them to the Node.js worker, both from
 * the local host (`npm start`) and from the unit tests' helper: a repeated query key and a
 * repeated header joined with `,`, and a body only when the request has a Content-Length. One
 * function that echoes what it sees, served by the local host over HTTP and called through
 * invoke(), shows each difference from what a plain Node.js server would see.
 */
import type { HttpHandler, HttpRequest } from '@azure/functions';
import { request as httpRequest, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, installCoreApi } from '../../scripts/host/functionsHost';
import { invoke } from '../support/invoke';

interface Seen {
  readonly query: [string, string][];
  readonly tag: string | null;
  readonly body: string;
}

const echo: HttpHandler = async (request: HttpRequest) => ({
  jsonBody: {
    query: [...request.query.entries()],
    tag: request.headers.get('x-tag'),
    body: await request.text(),
  } satisfies Seen,
});

let server: Server;
let port: number;

beforeAll(async () => {
  installCoreApi(() => undefined);
  server = createHost({
    functions: [
      {
        name: 'Echo',
        route: 'Echo',
        methods: ['GET', 'POST'],
        authLevel: 'anonymous',
        handler: echo as (...args: unknown[]) => unknown,
      },
    ],
    routePrefix: 'api',
    log: () => undefined,
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** A request to the local host; `chunks` are written without a Content-Length (chunked). */
function send(
  target: string,
  options: { method?: string; headers?: OutgoingHttpHeaders; chunks?: string[] } = {},
): Promise<Seen> {
  return new Promise((resolveSeen, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: target,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => resolveSeen(JSON.parse(Buffer.concat(parts).toString()) as Seen));
      },
    );
    outgoing.on('error', reject);
    for (const chunk of options.chunks ?? []) outgoing.write(chunk);
    outgoing.end();
  });
}

describe('a request reaches the app as the Functions host hands it over', () => {
  it('joins the values of a repeated query key with a comma', async () => {
    const expected = [
      ['objectId', 'A,B'],
      ['ui_locales', 'fr'],
    ];
    expect((await send('/api/Echo?objectId=A&ui_locales=fr&objectId=B')).query).toEqual(expected);
    const answer = await invoke(echo, { query: 'objectId=A&ui_locales=fr&objectId=B' });
    expect(answer.body.query).toEqual(expected);
  });

  it('joins the values of a repeated header with a comma, as ASP.NET does', async () => {
    expect((await send('/api/Echo', { headers: { 'X-Tag': ['one', 'two'] } })).tag).toBe('one,two');
    const answer = await invoke(echo, {
      headerLines: [
        ['X-Tag', 'one'],
        ['x-tag', 'two'],
      ],
    });
    expect(answer.body.tag).toBe('one,two');
  });

  it('passes no body sent without a Content-Length (chunked), and one sent with it', async () => {
    const chunked = await send('/api/Echo', { method: 'POST', chunks: ['{"a":', '1}'] });
    expect(chunked.body).toBe('');
    const sized = await send('/api/Echo', {
      method: 'POST',
      headers: { 'content-length': '7' },
      chunks: ['{"a":1}'],
    });
    expect(sized.body).toBe('{"a":1}');
    expect((await invoke(echo, { json: { a: 1 }, chunked: true })).body.body).toBe('');
    expect((await invoke(echo, { json: { a: 1 } })).body.body).toBe('{"a":1}');
  });
});
