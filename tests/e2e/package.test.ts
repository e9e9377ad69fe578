/**
 * `npm run package` writes a zip a Function App can run from: unpacked into an empty folder,
 * every function module loads with Node from there (nothing missing, the lazily loaded SDKs
 * included), and the README's first curl example is served from the unpacked copy. Nothing
 * that is not run is in it: no tests, bench, sources, maps, local host, CLIs or their packages.
 */
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../support/runProcess';
import yauzl from 'yauzl';
import { freePort } from '../../scripts/host/azurite';
import { watchOutput } from '../../scripts/host/childOutput';
import { DEMO_BALANCES, DEMO_MEMBERS } from '../../scripts/demoData';
import { APP_ROOT } from '../support/host';
import { azuriteConnectionString, tableRepository, uniqueTableNames } from '../support/tables';

const work = mkdtempSync(join(tmpdir(), 'package-'));
const unpacked = join(work, 'unpacked');

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return runProcess(command, args, { cwd: APP_ROOT, env });
}

async function unzip(zip: string, into: string): Promise<number> {
  const archive = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zip, { lazyEntries: true }, (error, file) =>
      error ? reject(error) : resolve(file),
    ),
  );
  let entries = 0;
  await new Promise<void>((resolve, reject) => {
    archive.on('entry', (entry: yauzl.Entry) => {
      const target = join(into, entry.fileName);
      if (!target.startsWith(into)) return reject(new Error(`unsafe path ${entry.fileName}`));
      entries += 1;
      mkdirSync(dirname(target), { recursive: true });
      archive.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        pipeline(stream, createWriteStream(target)).then(() => archive.readEntry(), reject);
      });
    });
    archive.on('end', resolve);
    archive.on('error', reject);
    archive.readEntry();
  });
  return entries;
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [relative(unpacked, path)];
  });
}

let packaged: { code: number | null; output: string };
let entries = 0;

beforeAll(async () => {
  packaged = await run(process.execPath, [
    join(APP_ROOT, 'dist/scripts/package.js'),
    '--out',
    join(work, 'out'),
  ]);
  mkdirSync(unpacked);
  entries = await unzip(join(work, 'out', 'b2c-claims-api.zip'), unpacked);
}, 180_000);

afterAll(() => undefined); // the run's temp folder is removed with the run

describe('npm run package', () => {
  it('writes a zip with host.json, package.json, the compiled functions and production dependencies only', () => {
    expect(packaged.code, packaged.output).toBe(0);
    const size = statSync(join(work, 'out', 'b2c-claims-api.zip')).size;
    console.log(`package: ${(size / 1024 / 1024).toFixed(1)} MB zipped, ${entries} files`);
    const files = allFiles(unpacked);
    expect(files).toContain('host.json');
    expect(files).toContain('package.json');
    for (const fn of ['ValidateProfile', 'GetProfile', 'EnrichToken', 'health', 'PruneAttempts']) {
      expect(files).toContain(`dist/functions/${fn}.js`);
    }
    const top = readdirSync(unpacked).sort();
    expect(top).toEqual(['dist', 'host.json', 'node_modules', 'package.json']);
    expect(readdirSync(join(unpacked, 'dist')).sort()).toEqual(['functions', 'shared']);
    const own = files.filter((f) => !f.startsWith('node_modules/'));
    expect(
      own.filter((f) => /\.(ts|map)$/.test(f) || /tests?\/|bench\/|scripts\//.test(f)),
    ).toEqual([]);
    // the local preview (/preview) and its simulators are the local host's, never deployed
    expect(own.filter((f) => /preview|simulator/i.test(f))).toEqual([]);
    for (const devOnly of [
      'azurite',
      'vitest',
      'typescript',
      'csv-parse',
      'cli-progress',
      'autocannon',
      'playwright-core',
    ]) {
      expect(existsSync(join(unpacked, 'node_modules', devOnly)), devOnly).toBe(false);
    }
    expect(files.some((f) => f.endsWith('.map'))).toBe(false);
  });

  it('loads every function module, and the SDKs they load later, from the unpacked copy alone', async () => {
    const script = `
      const host = require(${JSON.stringify(join(APP_ROOT, 'dist/scripts/host/functionsHost.js'))});
      host.installCoreApi(() => {});
      for (const file of host.functionFiles(${JSON.stringify(unpacked)})) require(file);
      const { createRequire } = require('node:module');
      const fromApp = createRequire(${JSON.stringify(join(unpacked, 'package.json'))});
      for (const lazy of ['@azure/identity', 'applicationinsights', 'jose', 'ajv', '@azure/data-tables']) {
        const path = fromApp.resolve(lazy);
        if (!path.startsWith(${JSON.stringify(unpacked)})) throw new Error(lazy + ' resolved outside: ' + path);
        fromApp(lazy);
      }
      console.log('LOADED ' + host.functionFiles(${JSON.stringify(unpacked)}).length);
    `;
    const loaded = await run(process.execPath, ['-e', script], {
      AZURE_FUNCTIONS_ENVIRONMENT: 'Development',
    });
    expect(loaded.output).toContain('LOADED 5');
    expect(loaded.code, loaded.output).toBe(0);
  });

  it('starts its telemetry thread (the SDK on a worker) from the unpacked copy alone', async () => {
    const script = `
      const host = require(${JSON.stringify(join(APP_ROOT, 'dist/scripts/host/functionsHost.js'))});
      host.installCoreApi(() => {});
      const log = console.log;
      console.log = (...args) => {
        log(...args);
        if (String(args[0]).startsWith('Telemetry: sending')) process.exit(0);
      };
      host.loadApp(${JSON.stringify(unpacked)});
      setTimeout(() => process.exit(3), 30000).unref();
    `;
    const started = await run(process.execPath, ['-e', script], {
      AZURE_FUNCTIONS_ENVIRONMENT: 'Development',
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=https://127.0.0.1:9/',
    });
    expect(started.output).toContain('Telemetry: sending to Application Insights');
    expect(started.output).not.toContain('Telemetry is off');
    expect(started.code, started.output).toBe(0);
  });

  it("serves the README's first curl example from the unpacked copy", async () => {
    const tables = uniqueTableNames('Package');
    const repository = tableRepository('Package', tables);
    await repository.init();
    for (const member of DEMO_MEMBERS) await repository.saveMember(member);
    for (const { objectId, balance } of DEMO_BALANCES)
      await repository.setBalance(objectId, balance);
    const port = await freePort();
    const script = `
      const host = require(${JSON.stringify(join(APP_ROOT, 'dist/scripts/host/functionsHost.js'))});
      host.installCoreApi(() => {});
      host.loadApp(${JSON.stringify(unpacked)}).then((functions) => {
        const server = host.createHost({ functions, routePrefix: host.routePrefix(${JSON.stringify(unpacked)}), log: () => {} });
        server.listen(${port}, '127.0.0.1', () => console.log('SERVING'));
        process.on('SIGTERM', () => server.close(() => process.exit(0)));
      });
    `;
    const child = spawn(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        AZURE_FUNCTIONS_ENVIRONMENT: 'Development',
        TABLES_CONNECTION_STRING: azuriteConnectionString(),
        LOYALTY_TABLE_NAME: tables.loyaltyTableName,
        BALANCES_TABLE_NAME: tables.balancesTableName,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await watchOutput(child, /SERVING/, 'the unpacked app', 30_000).ready;
      const response = await fetch(`http://127.0.0.1:${port}/api/ValidateProfile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"david@contoso.com","loyaltyId":"5678","lang":"1033"}',
      });
      const text = await response.text();
      expect(`${text} ${response.status}`, text).toBe('{"promoCode":"SPRING24"} 200');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
