/**
 * Runs the built local host (`node dist/scripts/start.js`, what `npm start` runs) as a child
 * process and waits for its "Host started" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { freePort } from '../../scripts/host/azurite';
import { watchOutput } from '../../scripts/host/childOutput';
import { runProcess } from './runProcess';

export const APP_ROOT = resolve(__dirname, '..', '..');

/**
 * A throttle table of its own for every host a test starts: the failed validations one test
 * makes must never throttle the demo user of another test file.
 */
function isolated(): Record<string, string> {
  return { FAILED_VALIDATIONS_TABLE_NAME: `Attempts${randomBytes(4).toString('hex')}` };
}

export interface RunningHost {
  readonly baseUrl: string;
  readonly port: number;
  readonly process: ChildProcess;
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startHost(
  env: Record<string, string>,
  options: { appRoot?: string; port?: number } = {},
): Promise<RunningHost> {
  const port = options.port ?? (await freePort());
  const appRoot = options.appRoot ?? APP_ROOT;
  const child = spawn(process.execPath, [resolve(appRoot, 'dist/scripts/start.js')], {
    cwd: appRoot,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...isolated(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => resolveExit(code)),
  );
  const output = watchOutput(child, /Host started/, 'host', 30_000);
  await output.ready;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    process: child,
    output: output.text,
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** Runs the built start script to completion (for start-up failures). */
export async function runStart(
  env: Record<string, string>,
  appRoot = APP_ROOT,
): Promise<{ code: number | null; output: string }> {
  const { code, output } = await runProcess(
    process.execPath,
    [resolve(appRoot, 'dist/scripts/start.js')],
    { cwd: appRoot, env: { ...isolated(), ...env } },
  );
  return { code, output };
}
