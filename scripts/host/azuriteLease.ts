/**
 * Who runs the embedded Azurite: a small file beside its data (.azurite/embedded.json) names the
 * Azurite process, the process that started it (npm start or the CLI) and its port. It is written
 * when an embedded Azurite starts and removed when it stops, so one that is still there names an
 * Azurite whose starter was killed (`kill -9`) before it could stop it: the next start notices,
 * stops that Azurite (gracefully, so its data is saved) and starts its own.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AzuriteLease {
  readonly azuritePid: number;
  readonly ownerPid: number;
  readonly port: number;
}

const FILE = 'embedded.json';

export function leaseFile(location: string): string {
  return join(location, FILE);
}

export function readLease(location: string): AzuriteLease | undefined {
  const file = leaseFile(location);
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<AzuriteLease>;
    const { azuritePid, ownerPid, port } = value;
    if ([azuritePid, ownerPid, port].every((n) => Number.isInteger(n) && (n as number) > 0)) {
      return { azuritePid, ownerPid, port } as AzuriteLease;
    }
  } catch {
    // A torn or foreign file says nothing: treated as absent.
  }
  return undefined;
}

export function writeLease(location: string, lease: AzuriteLease): void {
  writeFileSync(leaseFile(location), `${JSON.stringify(lease)}\n`);
}

export function removeLease(location: string): void {
  rmSync(leaseFile(location), { force: true });
}

/** Whether a process runs (on Linux a zombie, exited but not yet reaped, does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** On Linux, whether the process's command line names Azurite (a reused pid is not stopped). */
function looksLikeAzurite(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes('azurite');
  } catch {
    return false;
  }
}

/** Stops a left-over Azurite: SIGINT (its graceful close), SIGKILL after `graceMs`. */
export async function stopLeftover(pid: number, graceMs = 5000): Promise<boolean> {
  if (!isAlive(pid) || !looksLikeAzurite(pid)) return false;
  process.kill(pid, 'SIGINT');
  const end = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  const killed = Date.now() + 2000;
  while (isAlive(pid) && Date.now() < killed) await new Promise((r) => setTimeout(r, 50));
  return true;
}
