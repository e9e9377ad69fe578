/**
 * For the integration and end-to-end tests: builds dist/ when a source changed (they run the
 * built host and CLI, never a stale one), then starts one Azurite (in memory, free port) for the
 * whole run and hands its connection string to the test files with provide/inject. Each test
 * file uses tables of its own.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startAzurite, type AzuriteHandle } from '../../scripts/host/azurite';

declare module 'vitest' {
  export interface ProvidedContext {
    azuriteConnectionString: string;
    azuritePort: number;
  }
}

let azurite: AzuriteHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  const build = spawnSync(
    process.execPath,
    [join(__dirname, '..', '..', 'scripts', 'build-if-stale.mjs')],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error('the build failed: the end-to-end tests need dist/');
  azurite = await startAzurite();
  project.provide('azuriteConnectionString', azurite.connectionString);
  project.provide('azuritePort', azurite.port);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}
