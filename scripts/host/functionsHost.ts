/**
 * A small local stand-in for the Azure Functions host, serving the functions the app registers
 * with `app.http` exactly as they are: it provides the `@azure/functions-core` module the
 * library registers through (the real host injects it), loads the files `package.json` `main`
 * names, runs `appStart` hooks, and turns each HTTP request into what the Functions host hands
 * the worker (hostRequest.ts), served through the library's `HttpRequest` interface
 * (localRequest.ts), and the library's own `InvocationContext`.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Module from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { format } from 'node:util';
import {
  fromHttpResponse,
  hostError,
  jsonAnswer,
  normalizedPath,
  plainTarget,
  readBody,
} from './hostHttp';
import { hostRequestInit } from './hostRequest';
import { LocalHttpRequest } from './localRequest';

export type LogLevel =
  'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

export interface RegisteredFunction {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly string[];
  readonly authLevel: string;
  readonly handler: (...args: unknown[]) => unknown;
}

interface CoreBinding {
  type?: string;
  direction?: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
}

interface Registry {
  functions: RegisteredFunction[];
  appStart: ((context: unknown) => unknown)[];
  appTerminate: ((context: unknown) => unknown)[];
}

const registry: Registry = { functions: [], appStart: [], appTerminate: [] };
let installed = false;

/** Makes `require('@azure/functions-core')` answer with this host's registry. */
export function installCoreApi(log: (level: LogLevel, text: string) => void): void {
  if (installed) return;
  installed = true;
  const coreApi = {
    version: '4.0.0-local',
    hostVersion: '4.0.0-local',
    setProgrammingModel(): void {},
    getProgrammingModel(): undefined {
      return undefined;
    },
    registerFunction(
      metadata: { name: string; bindings: Record<string, CoreBinding> },
      handler: (...args: unknown[]) => unknown,
    ): { dispose(): void } {
      const trigger = Object.values(metadata.bindings).find(
        (b) => b.type?.toLowerCase() === 'httptrigger',
      );
      if (trigger === undefined) {
        log(
          'information',
          `Function "${metadata.name}" is not an HTTP function: Azure and Core Tools run it, this local host does not.`,
        );
      } else {
        registry.functions.push({
          name: metadata.name,
          route: trigger.route ?? metadata.name,
          methods: (trigger.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase()),
          authLevel: trigger.authLevel ?? 'function',
          handler,
        });
      }
      return { dispose() {} };
    },
    registerHook(name: string, callback: (context: unknown) => unknown): { dispose(): void } {
      if (name === 'appStart') registry.appStart.push(callback);
      if (name === 'appTerminate') registry.appTerminate.push(callback);
      return { dispose() {} };
    },
    log(level: LogLevel, _category: string, message: string): void {
      log(level, message);
    },
  };
  const moduleWithLoad = Module as unknown as {
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  };
  const originalLoad = moduleWithLoad._load;
  moduleWithLoad._load = function load(request, parent, isMain) {
    if (request === '@azure/functions-core') return coreApi;
    return originalLoad.call(this, request, parent, isMain);
  };
}

/** The files `main` names (a path, or a glob with `*` in the file name), as Core Tools reads it. */
export function functionFiles(appRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { main?: string };
  const main = pkg.main ?? 'index.js';
  if (!main.includes('*')) return [resolve(appRoot, main)];
  const folder = resolve(appRoot, dirname(main));
  const pattern = new RegExp(
    `^${main
      .slice(main.lastIndexOf('/') + 1)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  return readdirSync(folder)
    .filter((file) => pattern.test(file))
    .sort()
    .map((file) => join(folder, file));
}

/** Loads the app's function files and runs its appStart hooks; returns what it registered. */
export async function loadApp(appRoot: string): Promise<RegisteredFunction[]> {
  // The function files are CommonJS modules named at run time, as the real host loads them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  for (const file of functionFiles(appRoot)) require(file);
  for (const hook of registry.appStart) {
    await hook({ hookData: {}, appHookData: {}, functionAppDirectory: appRoot });
  }
  return [...registry.functions];
}

export async function terminateApp(appRoot: string): Promise<void> {
  for (const hook of registry.appTerminate) {
    await hook({ hookData: {}, appHookData: {}, functionAppDirectory: appRoot });
  }
}

export interface HostOptions {
  readonly functions: readonly RegisteredFunction[];
  readonly routePrefix: string;
  readonly log: (level: LogLevel, text: string) => void;
  /** Bodies larger than this are refused by the host itself (413), as the real front end does. */
  readonly maxBodyBytes?: number;
  /** Pages the host serves itself under `prefix` (the preview, in Development only). */
  readonly localRoutes?: LocalRoutes;
}

export interface LocalRoutes {
  /** e.g. `/preview`: that path and everything under it. */
  readonly prefix: string;
  /** Answers the request; resolves with the status it answered. */
  readonly handle: (
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    search: string,
  ) => Promise<number>;
}

/** An HTTP server that routes `/<prefix>/<route>` to the registered handlers. */
export function createHost(options: HostOptions): Server {
  // Loaded here, after installCoreApi, so the library sees this host's core API.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const functionsLib = require('@azure/functions') as typeof import('@azure/functions');
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const prefix = options.routePrefix.replace(/^\/+|\/+$/g, '');
  const routes = new Map(
    options.functions.map((f) => [`/${prefix ? `${prefix}/` : ''}${f.route}`.toLowerCase(), f]),
  );

  return createServer(async (request, response) => {
    const started = process.hrtime.bigint();
    // The request target as received: a path and a query, never parsed further than needed.
    const target = plainTarget(request.url ?? '/');
    const queryAt = target.indexOf('?');
    const pathname = queryAt === -1 ? target : target.slice(0, queryAt);
    const method = (request.method ?? 'GET').toUpperCase();
    const fn = routes.get(normalizedPath(pathname));
    const done = (status: number): void => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      options.log('information', `${method} ${pathname} ${status} ${ms.toFixed(1)}ms`);
    };
    try {
      const local = options.localRoutes;
      if (fn === undefined && local !== undefined) {
        const path = normalizedPath(pathname);
        if (path === local.prefix || path.startsWith(`${local.prefix}/`)) {
          const search = queryAt === -1 ? '' : target.slice(queryAt + 1);
          return done(await local.handle(request, response, pathname, search));
        }
      }
      if (fn === undefined) {
        hostError(response, 404, 'Not found.');
        return done(404);
      }
      if (!fn.methods.includes(method)) {
        response.setHeader('allow', fn.methods.join(', '));
        hostError(response, 405, `Method ${method} is not allowed.`);
        return done(405);
      }
      const body = await readBody(request, maxBody);
      if (body === 'tooLarge') {
        hostError(response, 413, 'The request body is too large.');
        return done(413);
      }
      const init = hostRequestInit({
        method,
        target,
        rawHeaders: request.rawHeaders,
        body,
      });
      const httpRequest = new LocalHttpRequest(init, () => new functionsLib.HttpRequest(init));
      const invocationId = randomUUID();
      const context = new functionsLib.InvocationContext({
        invocationId,
        functionName: fn.name,
        logHandler: (level, ...args) =>
          options.log(level as LogLevel, `[${fn.name}] ${format(...args)}`),
      });
      const result = await fn.handler(httpRequest, context);
      const answer =
        result instanceof functionsLib.HttpResponse
          ? await fromHttpResponse(result)
          : (jsonAnswer(result) ??
            (await fromHttpResponse(
              new functionsLib.HttpResponse(
                (result ?? {}) as import('@azure/functions').HttpResponseInit,
              ),
            )));
      answer.headers['content-length'] = String(answer.payload.length);
      response.writeHead(answer.status, answer.headers);
      response.end(method === 'HEAD' ? undefined : answer.payload);
      done(answer.status);
    } catch (error) {
      options.log(
        'error',
        `[${fn?.name ?? 'host'}] unhandled: ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`,
      );
      if (!response.headersSent) hostError(response, 500, 'Internal error.');
      else response.destroy();
      done(500);
    }
  });
}

/** Reads `extensions.http.routePrefix` from host.json (default "api", as the real host). */
export function routePrefix(appRoot: string): string {
  try {
    const host = JSON.parse(readFileSync(join(appRoot, 'host.json'), 'utf8')) as {
      extensions?: { http?: { routePrefix?: string } };
    };
    return host.extensions?.http?.routePrefix ?? 'api';
  } catch {
    return 'api';
  }
}
