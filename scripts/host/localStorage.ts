/**
 * The storage a local command uses, from the same settings as the app: local.settings.json
 * `Values` (the environment wins), then TABLES_CONNECTION_STRING / AzureWebJobsStorage /
 * development storage. With development storage and nothing listening on its port (10002, or
 * AZURITE_PORT), an embedded Azurite is started on .azurite/, the folder `npm start` keeps its
 * data in. An Azurite left running by a starter that was killed is noticed and stopped first.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { tablesAccess } from '../../shared/storage/table/access';
import { isDevelopmentStorage, tableEndpoint } from '../../shared/storage/table/connection';
import {
  AZURITE_ACCOUNT,
  azuriteConnectionString,
  startAzurite,
  type AzuriteHandle,
} from './azurite';
import { isAlive, readLease, removeLease, stopLeftover, writeLease } from './azuriteLease';

/** Where `UseDevelopmentStorage=true` points: Azurite's default Table port. */
export const DEVELOPMENT_STORAGE_PORT = 10002;

/** The embedded Azurite's port: AZURITE_PORT, or the development storage port. */
export function embeddedAzuritePort(env: NodeJS.ProcessEnv): number {
  const text = env.AZURITE_PORT?.trim();
  if (!text) return DEVELOPMENT_STORAGE_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new LocalStorageError(
      `Setting AZURITE_PORT is malformed: "${text.slice(0, 20)}" is not a port number (1-65535).`,
    );
  }
  return port;
}

/** local.settings.json `Values` into the environment; variables already set win. */
export function applyLocalSettings(appRoot: string, env: NodeJS.ProcessEnv): string | undefined {
  const file = join(appRoot, 'local.settings.json');
  if (!existsSync(file)) return undefined;
  let settings: { Values?: Record<string, unknown> };
  try {
    settings = JSON.parse(readFileSync(file, 'utf8')) as typeof settings;
  } catch (error) {
    throw new Error(`local.settings.json is not valid JSON: ${(error as Error).message}`);
  }
  for (const [name, value] of Object.entries(settings.Values ?? {})) {
    if (env[name] === undefined && value !== null && value !== undefined) env[name] = String(value);
  }
  return file;
}

export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolvePort(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolvePort(false);
    });
    socket.once('error', () => resolvePort(false));
  });
}

/** Storage that cannot work as configured: `npm start` and the CLI stop with this message. */
export class LocalStorageError extends Error {}

/** What answers HTTP on a port: its Server header (Azurite says `Azurite-Table/3.x`). */
async function serverOf(port: number): Promise<string | undefined> {
  // A timer of our own (AbortSignal.timeout's does not keep the process alive while it waits).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 2000);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/${AZURITE_ACCOUNT}/Tables`, {
      signal: controller.signal,
    });
    return response.headers.get('server') ?? '(no Server header)';
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the embedded Azurite when the settings name development storage and nothing listens
 * on its port; returns it (to stop later) or undefined when storage is already there. Something
 * else on that port is an error that says so; a local endpoint of a custom connection string
 * where nothing listens is a warning (`log`) that npm start starts Azurite only for development
 * storage.
 */
export async function ensureLocalStorage(
  appRoot: string,
  env: NodeJS.ProcessEnv,
  log: (text: string) => void = () => undefined,
): Promise<AzuriteHandle | undefined> {
  const access = tablesAccess(env);
  if (access.kind === 'identity') return undefined;
  const connectionString = access.connectionString;
  if (!isDevelopmentStorage(connectionString)) {
    const endpoint = new URL(tableEndpoint(connectionString));
    const port = Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80));
    const host = endpoint.hostname.replace(/^\[|\]$/g, '');
    if (LOOPBACK.has(host) && !(await isListening(port, host))) {
      log(
        `Nothing listens on ${endpoint.host}, the TableEndpoint of the configured connection string: ` +
          `npm start starts Azurite only for development storage (UseDevelopmentStorage=true). ` +
          `Start that Azurite yourself (npx azurite-table --tablePort ${port}), or unset ` +
          `TABLES_CONNECTION_STRING and AzureWebJobsStorage. Until it answers, calls get their degraded answers.`,
      );
    }
    return undefined;
  }
  const port = embeddedAzuritePort(env);
  if (port !== DEVELOPMENT_STORAGE_PORT) {
    // UseDevelopmentStorage=true means port 10002: the app gets the string for the chosen port.
    env.TABLES_CONNECTION_STRING = azuriteConnectionString(port);
  }
  const location = join(appRoot, '.azurite');
  await stopLeftoverAzurite(location, port, log);
  if (await isListening(port)) {
    const server = await serverOf(port);
    if (server?.startsWith('Azurite-Table') === true) {
      const lease = readLease(location);
      if (lease === undefined || lease.port !== port || !isAlive(lease.ownerPid)) {
        log(
          `Port ${port} already serves Azurite, not started here: using it; it keeps running after this stops.`,
        );
      }
      return undefined;
    }
    throw new LocalStorageError(
      `Port ${port} (development storage) is taken by something that is not Azurite's Table service ` +
        `(${server === undefined ? 'it does not answer HTTP' : `it answers as ${server.slice(0, 60)}`}). ` +
        `Stop what listens there, or choose another port for the embedded Azurite (AZURITE_PORT=10012 npm start), ` +
        `or run Azurite yourself and set TABLES_CONNECTION_STRING to ` +
        `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=<the Azurite key>;TableEndpoint=http://127.0.0.1:<port>/${AZURITE_ACCOUNT};`,
    );
  }
  mkdirSync(location, { recursive: true });
  const azurite = await startAzurite({ port, location });
  const azuritePid = azurite.process.pid;
  if (azuritePid === undefined) return azurite;
  writeLease(location, { azuritePid, ownerPid: process.pid, port });
  return {
    ...azurite,
    async stop() {
      await azurite.stop();
      removeLease(location);
    },
  };
}

/**
 * An embedded Azurite whose starter is gone (killed with `kill -9`, so it never stopped it) is
 * stopped, saying so, before a new one starts; one whose starter still runs is left alone.
 */
async function stopLeftoverAzurite(
  location: string,
  port: number,
  log: (text: string) => void,
): Promise<void> {
  const lease = readLease(location);
  if (lease === undefined || isAlive(lease.ownerPid)) return;
  if (await stopLeftover(lease.azuritePid)) {
    log(
      `An Azurite left running on port ${lease.port} by an earlier start that was killed (pid ${lease.azuritePid}) ` +
        `was stopped${lease.port === port ? '; starting a fresh one' : ''}.`,
    );
  }
  removeLease(location);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
