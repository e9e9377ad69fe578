/**
 * `npm start`: serves the functions on http://localhost:7071/api/… with no Azure account and no
 * Core Tools. Reads `Values` from local.settings.json when present (as Core Tools does; the
 * environment wins), starts an embedded Azurite (data under .azurite/) when storage is
 * development storage and nothing listens on its port, seeds demo members into an empty store,
 * and stops everything on Ctrl-C.
 */
import { resolve } from 'node:path';
import { isDevelopment } from '../shared/auth/settings';
import { ConfigError, loadConfig } from '../shared/config';
import { createStorage } from '../shared/storage/factory';
import { retryInBackground } from '../shared/storage/warmUp';
import type { AzuriteHandle } from './host/azurite';
import { applyLocalSettings, ensureLocalStorage, LocalStorageError } from './host/localStorage';
import { seedDemoData } from './demoData';
import {
  createHost,
  installCoreApi,
  loadApp,
  routePrefix,
  terminateApp,
  type LocalRoutes,
  type LogLevel,
} from './host/functionsHost';

const APP_ROOT = resolve(__dirname, '..', '..');
/** How long start-up waits for the demo data to be seeded before it serves anyway. */
const SEED_WAIT_MS = 1500;

/**
 * Information lines (one per request, among others) are written a batch at a time, once per turn
 * of the event loop: a write per line would cost a request more than its own work. Warnings and
 * errors go out at once; pending lines are flushed before them, so the order holds.
 */
let pending: string[] = [];
function flushLog(): void {
  if (pending.length === 0) return;
  const lines = pending;
  pending = [];
  process.stdout.write(`${lines.join('\n')}\n`);
}
process.on('exit', flushLog);

function log(level: LogLevel, text: string): void {
  if (level === 'trace' || level === 'debug' || level === 'none') return;
  const line = `[${new Date().toISOString()}] ${text}`;
  if (level === 'information') {
    if (pending.push(line) === 1) setImmediate(flushLog);
    return;
  }
  flushLog();
  if (level === 'warning') console.warn(line);
  else console.error(line);
}

/** Calls `gone` once the parent process has exited (checked every second; keeps nothing alive). */
function watchParent(gone: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    let alive = process.ppid === parent;
    if (alive) {
      try {
        process.kill(parent, 0);
      } catch {
        alive = false;
      }
    }
    if (!alive) {
      clearInterval(timer);
      gone();
    }
  }, 1000);
  timer.unref();
}

function httpPort(env: NodeJS.ProcessEnv): number {
  const text = env.PORT?.trim() || '7071';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('PORT', `is malformed: "${text}" is not a port number (0-65535)`);
  }
  return port;
}

async function main(): Promise<void> {
  const settingsFile = applyLocalSettings(APP_ROOT, process.env);
  if (settingsFile) log('information', `Read Values from ${settingsFile}`);
  // As Core Tools does: a local host is a development host unless told otherwise.
  process.env.AZURE_FUNCTIONS_ENVIRONMENT ??= 'Development';
  const port = httpPort(process.env);
  // Checked before anything starts; read again once the embedded Azurite's port is known.
  let config = loadConfig(process.env);

  let azurite: AzuriteHandle | undefined;
  // Until the host listens, Ctrl-C stops whatever started (Azurite) and exits; then it is a
  // graceful shutdown. Installed first, so no signal ever finds the default handler.
  let onSignal = (signal: string): void => {
    log('information', `${signal}: stopping before the host started.`);
    void stopAzurite().then(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const stopAzurite = async (): Promise<void> => {
    const running = azurite;
    azurite = undefined;
    if (running) {
      await running.stop();
      log('information', 'Azurite stopped.');
    }
  };

  azurite = await ensureLocalStorage(APP_ROOT, process.env, (text) => log('warning', text));
  if (azurite) {
    config = loadConfig(process.env);
    log(
      'information',
      `Started Azurite (Table service) on port ${azurite.port}, data in .azurite/. For other tools ` +
        `(Azurite's public development key): TABLES_CONNECTION_STRING="${azurite.connectionString}"`,
    );
  }

  try {
    if (process.env.SEED_DEMO_DATA?.trim().toLowerCase() !== 'false') {
      const repository = await createStorage(config).admin();
      // Storage down at start delays nothing: the seeding waits for it in the background.
      await retryInBackground(
        'seed the demo data',
        async () => {
          if (await seedDemoData(repository)) {
            log('information', 'The store was empty: seeded the demo members (see README).');
          }
        },
        (text) => log('warning', text),
        SEED_WAIT_MS,
      );
    }

    installCoreApi(log);
    const functions = await loadApp(APP_ROOT);
    const prefix = routePrefix(APP_ROOT);
    // The preview (/preview) exists in Development only: elsewhere the route is a 404.
    let localRoutes: LocalRoutes | undefined;
    if (isDevelopment(process.env)) {
      // Loaded only here: outside Development not even its code is read.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { previewRoutes } = require('./preview/server') as typeof import('./preview/server');
      localRoutes = await previewRoutes({
        appRoot: APP_ROOT,
        routePrefix: prefix,
        env: process.env,
      });
    }
    const server = createHost({
      functions,
      routePrefix: prefix,
      log,
      ...(localRoutes ? { localRoutes } : {}),
    });

    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolveListen();
      });
    });
    const address = server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    let stopping = false;
    onSignal = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log('information', `${signal}: stopping; letting requests in flight finish...`);
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      // Keep-alive sockets become idle once their request is answered: close them as they do.
      const idle = setInterval(() => server.closeIdleConnections(), 50);
      server.close(() => {
        clearTimeout(force);
        clearInterval(idle);
        void terminateApp(APP_ROOT)
          .catch(() => undefined)
          .then(stopAzurite)
          .then(() => process.exit(0));
      });
      server.closeIdleConnections();
    };
    log('information', 'Functions:');
    for (const fn of functions) {
      log(
        'information',
        `  ${fn.name}: [${fn.methods.join(',')}] http://localhost:${actualPort}/${prefix}/${fn.route}`,
      );
    }
    if (localRoutes) {
      log(
        'information',
        `Preview (Development only): http://localhost:${actualPort}${localRoutes.prefix}`,
      );
    }
    log(
      'information',
      `Host started. Listening on http://localhost:${actualPort} (Ctrl-C to stop)`,
    );
    // `npm start` runs this under a shell: a SIGTERM to npm ends npm and the shell, not this
    // process. When the process that started it is gone, it stops as on SIGTERM.
    watchParent(() => onSignal('parent process gone'));
  } catch (error) {
    await stopAzurite();
    throw error;
  }
}

main().catch((error: unknown) => {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') {
    console.error(
      `Port ${process.env.PORT?.trim() || '7071'} is already in use: stop what is listening there, or set PORT to another port (PORT=7072 npm start).`,
    );
  } else if (error instanceof ConfigError || error instanceof LocalStorageError) {
    console.error(`Cannot start: ${error.message}`);
  } else {
    console.error(`Cannot start: ${err?.message ?? String(error)}`);
  }
  process.exit(1);
});
