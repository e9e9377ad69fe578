/**
 * Measures `import` the way an operator runs it (file parsing, checks, bulk save, summary)
 * against an Azurite of its own on a free port, then stops it:
 *
 *   npm run build && node dist/scripts/loyalty/measureImport.js [--rows 100000]
 *       [--per-email 1] [--disk] [--concurrency 32]
 *
 * Three imports of a generated CSV into a new table: first (every row added), again (every row
 * unchanged), and with one row in ten changed. --per-email K gives each email K loyalty IDs
 * (rows sharing an email are written in one transaction); --disk keeps Azurite's data on disk in
 * a temporary folder, as the embedded Azurite of `npm start` does, instead of in memory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadStorageSettings } from '../../shared/config';
import { createStorage } from '../../shared/storage/factory';
import { startAzurite } from '../host/azurite';
import { runLoyaltyCli } from '../loyalty';

function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function csv(rows: number, perEmail: number, changed: boolean): string {
  const lines = ['email,loyaltyId,promoCode,status'];
  for (let i = 0; i < rows; i += 1) {
    const promo = changed && i % 10 === 0 ? 'CHANGED' : `P${i % 97}`;
    const status = i % 10 === 3 ? 'suspended' : 'active';
    lines.push(`member${Math.floor(i / perEmail)}@contoso.com,L${i},${promo},${status}`);
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      'per-email': { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '32' },
      disk: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const perEmail = Number(values['per-email']);
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 200);
  const work = mkdtempSync(join(tmpdir(), 'loyalty-measure-'));
  const azurite = await startAzurite(values.disk ? { location: join(work, 'azurite') } : {});
  try {
    const repository = await createStorage(
      loadStorageSettings({
        TABLES_CONNECTION_STRING: azurite.connectionString,
        LOYALTY_TABLE_NAME: 'MeasureMembers',
        BALANCES_TABLE_NAME: 'MeasureBalances',
      }),
      { timeoutMs: 10_000, bulk: { concurrency: Number(values.concurrency) } },
    ).admin();
    await repository.init();
    const same = join(work, 'members.csv');
    const changed = join(work, 'members-changed.csv');
    writeFileSync(same, csv(rows, perEmail, false));
    writeFileSync(changed, csv(rows, perEmail, true));
    console.log(
      `${rows} rows, ${perEmail} per email, Azurite ${values.disk ? 'on disk' : 'in memory'}, ` +
        `${values.concurrency} writes in flight, load average ${loadavg()[0]?.toFixed(2)}`,
    );
    for (const [label, file] of [
      ['first import', same],
      ['same file again', same],
      ['1 row in 10 changed', changed],
    ] as const) {
      const lines: string[] = [];
      const cpuBefore = cpuSeconds(azurite.process.pid);
      const ownBefore = process.cpuUsage();
      const started = performance.now();
      const code = await runLoyaltyCli(['import', file], repository, {
        out: (l) => lines.push(l),
        err: () => undefined,
        progress: process.stderr,
      });
      const seconds = (performance.now() - started) / 1000;
      const own = process.cpuUsage(ownBefore);
      const cpuAfter = cpuSeconds(azurite.process.pid);
      // CPU time per row, which other work on the machine barely changes (unlike wall time).
      const perRow = (cpu: number): string => `${((cpu * 1000) / rows).toFixed(2)} ms`;
      const azuriteCpu =
        cpuBefore !== undefined && cpuAfter !== undefined
          ? `, Azurite busy ${Math.round(((cpuAfter - cpuBefore) / seconds) * 100)}% ` +
            `(${perRow(cpuAfter - cpuBefore)} CPU a row)`
          : '';
      const ownCpu = `, import ${perRow((own.user + own.system) / 1e6)} CPU a row`;
      console.log(
        `${label}: ${Math.round(rows / seconds)} rows/s (${seconds.toFixed(1)} s, exit ${code}${azuriteCpu}${ownCpu}) ` +
          `${lines.join(' ').replace(/^Imported \S+: /, '')}`,
      );
    }
    console.log(
      `load average after: ${loadavg()[0]?.toFixed(2)}; ` +
        `this process's peak RSS ${Math.round(peakRss / 1e6)} MB (generated files included)`,
    );
  } finally {
    clearInterval(sampler);
    await azurite.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
