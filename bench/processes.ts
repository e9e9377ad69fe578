/**
 * The servers under test, each in a child process of its own started the same way, so that the
 * local host and the bare server compete for the 2 cores on equal terms (with autocannon in this
 * process and Azurite in another). Their output goes to a file, never to a pipe this process
 * would have to drain while it is generating load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../scripts/host/azurite';
import { APP_ROOT } from './options';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One request on a fresh connection (no agent keeps a socket open after the benchmark). */
export function httpCall(
  url: string,
  options: { method?: string; body?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const req = request(url, { method: options.method ?? 'GET', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 2000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface ServerSpec {
  /** For messages: "host" or "bare". */
  readonly name: string;
  /** The built script node runs. */
  readonly script: string;
  /** Its working directory: the app root it belongs to. */
  readonly cwd: string;
  /** The whole environment of the child (nothing of this process's leaks in). */
  readonly env: Readonly<Record<string, string>>;
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  /** Where the child's stdout and stderr go. */
  readonly logFile: string;
  readonly startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly baseUrl: string;
  readonly pid: number;
  /** From just before spawn to the first 200 of GET /api/health, ms. */
  readonly firstAnswerMs: number;
  /** Everything the child wrote so far. */
  log(): string;
  /** SIGINT (the host's graceful stop, which also writes a --cpu-prof profile); the exit code. */
  stop(): Promise<number | null>;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Polls GET /api/health every few ms until it answers 200. Connection refusals are instant, so
 * the polling costs the starting process next to nothing.
 */
async function firstAnswer(
  baseUrl: string,
  child: ChildProcess,
  spec: ServerSpec,
  started: number,
): Promise<number> {
  const deadline = started + (spec.startTimeoutMs ?? 30_000);
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${spec.name} exited (${child.exitCode ?? child.signalCode}) before it answered:\n${readLog(spec.logFile)}`,
      );
    }
    const answer = await httpCall(`${baseUrl}/api/health`, { timeoutMs: 1000 }).catch(
      () => undefined,
    );
    if (answer?.status === 200) return performance.now() - started;
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new Error(
    `${spec.name} did not answer within ${spec.startTimeoutMs ?? 30_000} ms:\n${readLog(spec.logFile)}`,
  );
}

/** Starts one server on a free port and resolves once it has answered. */
export async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const out = openSync(spec.logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.script], {
    cwd: spec.cwd,
    env: { ...spec.env, PORT: String(port) },
    stdio: ['ignore', out, out],
  });
  closeSync(out); // the child holds its own copy
  const exited = exitOf(child);
  let firstAnswerMs: number;
  try {
    firstAnswerMs = await firstAnswer(baseUrl, child, spec, started);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return {
    name: spec.name,
    baseUrl,
    pid: child.pid ?? -1,
    firstAnswerMs,
    log: () => readLog(spec.logFile),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Runs node to completion and returns what it printed on stdout (for one-shot probes). */
export function runNode(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<{ stdout: string; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...args], {
      cwd: APP_ROOT,
      env: { ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code === 0) resolve({ stdout, wallMs });
      else reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr}${stdout}`));
    });
  });
}
