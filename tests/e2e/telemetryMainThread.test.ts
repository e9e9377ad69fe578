/**
 * The main thread of the built app never loads the `applicationinsights` SDK: without a
 * connection string nothing loads it, and with one the telemetry thread does.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../support/host';
import { azuriteConnectionString as azuriteOn } from '../../scripts/host/azurite';

describe('the main thread', () => {
  /**
   * Starts the built app as the local host does (its files, then its app-start hooks), waits for
   * the telemetry thread to say it is ready when there is one, and reports whether the SDK
   * entered the main thread's module graph.
   */
  function start(env: Record<string, string>, waitForThread: boolean): string {
    const script = `
      const host = require(${JSON.stringify(join(APP_ROOT, 'dist/scripts/host/functionsHost.js'))});
      host.installCoreApi(() => {});
      const report = () => {
        const loaded = Object.keys(require.cache).some((p) => p.includes('/node_modules/applicationinsights/'));
        process.stdout.write('SDK_LOADED_ON_MAIN=' + loaded);
        process.exit(0);
      };
      const log = console.log;
      console.log = (...args) => {
        log(...args);
        if (String(args[0]).startsWith('Telemetry: sending')) report();
      };
      host.loadApp(${JSON.stringify(APP_ROOT)}).then(() => {
        if (!${waitForThread}) report();
      });
      setTimeout(() => { process.stdout.write('THREAD_NEVER_READY'); process.exit(1); }, 30000).unref();
    `;
    return execFileSync(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        AZURE_FUNCTIONS_ENVIRONMENT: 'Development',
        // Nothing listens there: table creation is tried in the background, start goes on.
        TABLES_CONNECTION_STRING: azuriteOn(9),
        ...env,
      },
      // Its warnings (storage unreachable, as intended) are not the test run's own output.
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
  }

  it('never loads the SDK without a connection string', () => {
    const output = start({}, false);
    expect(output).toContain('SDK_LOADED_ON_MAIN=false');
    expect(output).not.toContain('Telemetry: sending');
  });

  it('leaves the SDK to the telemetry thread with one', () => {
    const output = start(
      {
        APPLICATIONINSIGHTS_CONNECTION_STRING:
          'InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=https://127.0.0.1:9/',
      },
      true,
    );
    expect(output).toContain('Telemetry: sending to Application Insights');
    expect(output).toContain('SDK_LOADED_ON_MAIN=false');
  });
});
