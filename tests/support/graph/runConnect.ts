/**
 * Runs the built `npm run connect` (node dist/scripts/connect.js) as a child process against a
 * Graph stand-in: GRAPH_ENDPOINT, NODE_EXTRA_CA_CERTS and the managed identity variables come
 * from the stand-in (DefaultAzureCredential finds the managed identity), nothing else of this
 * machine's (no HOME, so no Azure CLI login). stdin is not a terminal, so it never asks. It runs
 * in `cwd` (default: a fresh empty folder), where it reads local.settings.json.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_ROOT } from '../host';
import { runProcess, type ProcessRun } from '../runProcess';
import type { GraphStandIn } from './standIn';

export const CONNECT_SCRIPT = join(APP_ROOT, 'dist', 'scripts', 'connect.js');

export function runConnect(
  graph: GraphStandIn,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessRun> {
  return runProcess(process.execPath, [CONNECT_SCRIPT, ...args], {
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'connect-')),
    env: { ...graph.env(), ...options.env },
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}
