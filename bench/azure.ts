/**
 * `npm run bench:azure`: the app in Azure's shape (bench/README.md, "A cold instance in Azure's
 * shape" and "What a million sign-ups cost").
 *
 * 1. A cold instance: 3 cold starts of the host with the deployed settings (tables by identity
 *    over HTTPS, API_AUTH=entra with the keys from a stand-in), each hit by 32 Entra calls the
 *    moment its port opens (azureCold.ts).
 * 2. Costs: each journey's Table Storage transactions, telemetry bytes and call durations on a
 *    warm host (costs.ts), the inputs of docs/cost.md.
 *
 * Writes bench/azure-results.json. The certificate of the local HTTPS endpoints must be
 * trusted from process start (NODE_EXTRA_CA_CERTS), so this script makes it and runs itself
 * again as a child that trusts it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeTestCertificate, type TestCertificate } from '../tests/support/testCertificate';
import { azureColdText, measureAzureCold } from './azureCold';
import { startAzureShape } from './azureShape';
import { costsText, measureCosts } from './costs';
import { benchUsers } from './dataset';
import { APP_ROOT } from './options';

const USAGE = `Usage: npm run bench:azure -- [options]
  --runs N             cold starts (default 3)
  --burst N            Entra calls at once on each cold host (default 32)
  --identity-delay MS  added delay of the managed identity endpoint (default 50)
  --keys-delay MS      added delay of the Entra keys endpoint (default 100)
  --journeys N         journeys counted per kind for the costs (default 20; 0 skips)
  -o, --output FILE    results (default bench/azure-results.json)`;

function number(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

async function measure(certificate: TestCertificate, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      burst: { type: 'string' },
      'identity-delay': { type: 'string' },
      'keys-delay': { type: 'string' },
      journeys: { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return void console.log(USAGE);
  const runs = number(values.runs, 3, '--runs');
  const burst = number(values.burst, 32, '--burst');
  const identityDelayMs = number(values['identity-delay'], 50, '--identity-delay');
  const keysDelayMs = number(values['keys-delay'], 100, '--keys-delay');
  const journeys = number(values.journeys, 20, '--journeys');
  const users = benchUsers(Math.max(runs * burst, journeys + 1));
  const work = mkdtempSync(join(tmpdir(), 'b2c-bench-azure-'));
  const shape = await startAzureShape({ certificate, identityDelayMs, keysDelayMs, users });
  try {
    const load = loadavg();
    console.log(`machine: ${cpus().length} cores, load ${load.map((l) => l.toFixed(2)).join(' ')}`);
    const cold = await measureAzureCold(shape, {
      appRoot: APP_ROOT,
      users,
      runs,
      burst,
      identityDelayMs,
      keysDelayMs,
      logFile: join(work, 'cold.log'),
    });
    console.log(azureColdText(cold));
    const costs =
      journeys === 0
        ? []
        : await measureCosts(shape, certificate, {
            appRoot: APP_ROOT,
            users,
            count: journeys,
            logFile: join(work, 'costs.log'),
          });
    if (costs.length > 0) console.log(`\n${costsText(costs)}`);
    const output = resolve(values.output ?? join(APP_ROOT, 'bench', 'azure-results.json'));
    const machine = {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      loadBefore: load,
      loadAfter: loadavg(),
      node: process.version,
    };
    const results = { generatedAt: new Date().toISOString(), machine, cold, costs };
    writeFileSync(output, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nresults written to ${output}`);
  } finally {
    await shape.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const certDir = process.env.BENCH_AZURE_CERT_DIR;
  if (certDir === undefined) {
    const certificate = await makeTestCertificate('b2c-bench-azure-cert-');
    try {
      const child = spawnSync(process.execPath, [__filename, ...process.argv.slice(2)], {
        stdio: 'inherit',
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: certificate.certFile,
          BENCH_AZURE_CERT_DIR: certificate.dir,
        },
      });
      process.exitCode = child.status ?? 1;
    } finally {
      certificate.cleanup();
    }
    return;
  }
  const certificate: TestCertificate = {
    dir: certDir,
    certFile: join(certDir, 'cert.pem'),
    keyFile: join(certDir, 'key.pem'),
    cert: readFileSync(join(certDir, 'cert.pem'), 'utf8'),
    key: readFileSync(join(certDir, 'key.pem'), 'utf8'),
    cleanup: () => undefined,
  };
  await measure(certificate, process.argv.slice(2));
}

main().catch((error: unknown) => {
  console.error(
    `bench:azure failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
