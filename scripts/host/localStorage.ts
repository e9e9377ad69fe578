/**
 * The storage a local command uses, from the same settings as the app: local.settings.json
 * `Values` (the environment wins), then TABLES_CONNECTION_STRING / AzureWebJobsStorage /
 * development storage. With development storage and nothing listening on its port, an
 * embedded Azurite is started on .azurite/, the folder `npm start` keeps its data in.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { tablesConnectionString } from '../../shared/config';
import { isDevelopmentStorage } from '../../shared/storage/connection';
import { startAzurite, type AzuriteHandle } from './azurite';

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

/**
 * Starts the embedded Azurite when the settings name development storage and nothing listens
 * on its port; returns it (to stop later) or undefined when storage is already there.
 */
export async function ensureLocalStorage(
  appRoot: string,
  env: NodeJS.ProcessEnv,
): Promise<AzuriteHandle | undefined> {
  if (!isDevelopmentStorage(tablesConnectionString(env))) return undefined;
  if (await isListening(DEVELOPMENT_STORAGE_PORT)) return undefined;
  const location = join(appRoot, '.azurite');
  mkdirSync(location, { recursive: true });
  return startAzurite({ port: DEVELOPMENT_STORAGE_PORT, location });
}
