/**
 * The storage a local command uses, from the same settings as the app: local.settings.json
 * `Values` (the environment wins), then TABLES_CONNECTION_STRING / AzureWebJobsStorage /
 * development storage. With development storage and nothing listening on its port, an
 * embedded Azurite is started on .azurite/, the folder `npm start` keeps its data in.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { tablesAccess } from '../../shared/storage/access';
import { isDevelopmentStorage, tableEndpoint } from '../../shared/storage/connection';
import { AZURITE_ACCOUNT, startAzurite, type AzuriteHandle } from './azurite';

export const DEVELOPMENT_STORAGE_PORT = 10002;

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
  if (await isListening(DEVELOPMENT_STORAGE_PORT)) {
    const server = await serverOf(DEVELOPMENT_STORAGE_PORT);
    if (server?.startsWith('Azurite-Table') === true) return undefined;
    throw new LocalStorageError(
      `Port ${DEVELOPMENT_STORAGE_PORT} (development storage) is taken by something that is not Azurite's Table service ` +
        `(${server === undefined ? 'it does not answer HTTP' : `it answers as ${server.slice(0, 60)}`}). ` +
        `Stop what listens there, or run Azurite on another port and set TABLES_CONNECTION_STRING to ` +
        `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=<the Azurite key>;TableEndpoint=http://127.0.0.1:<port>/${AZURITE_ACCOUNT};`,
    );
  }
  const location = join(appRoot, '.azurite');
  mkdirSync(location, { recursive: true });
  return startAzurite({ port: DEVELOPMENT_STORAGE_PORT, location });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
