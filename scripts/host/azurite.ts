/**
 * Starts the Table service of Azurite (the npm package) as a child process and waits for its
 * "successfully started" line. Used by `npm start` (data under .azurite/) and by the test setup
 * (in memory, on a free port).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { watchOutput } from './childOutput';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Folder for persisted data; omitted = in memory. */
  readonly location?: string;
  /** Where Azurite's own output goes besides the start line. */
  readonly onOutput?: (line: string) => void;
  readonly startTimeoutMs?: number;
  /** PEM certificate and key files: serve HTTPS instead of HTTP. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** 'basic' accepts Bearer tokens (over HTTPS only) besides shared keys and SAS. */
  readonly oauth?: 'basic';
}

export interface AzuriteHandle {
  readonly port: number;
  readonly connectionString: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function azuriteConnectionString(
  port: number,
  host = '127.0.0.1',
  protocol: 'http' | 'https' = 'http',
): string {
  return (
    `DefaultEndpointsProtocol=${protocol};AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=${protocol}://${host}:${port}/${AZURITE_ACCOUNT};`
  );
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const main = require.resolve('azurite/dist/src/table/main.js');
  const args = [
    main,
    '--tableHost',
    '127.0.0.1',
    '--tablePort',
    String(port),
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
  ];
  if (options.location !== undefined) args.push('--location', options.location);
  else args.push('--inMemoryPersistence');
  if (options.tls) args.push('--cert', options.tls.certFile, '--key', options.tls.keyFile);
  if (options.oauth) args.push('--oauth', options.oauth);

  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const timeoutMs = options.startTimeoutMs ?? 20000;
  await watchOutput(
    child,
    /successfully started|successfully listening/i,
    'Azurite',
    timeoutMs,
    options.onOutput,
  ).ready;

  return {
    port,
    connectionString: azuriteConnectionString(port, '127.0.0.1', options.tls ? 'https' : 'http'),
    process: child,
    /** SIGINT is Azurite's graceful close, which saves its data; SIGTERM would lose it. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
