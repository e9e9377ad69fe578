/**
 * What an import does against Table Storage beyond the contract: a store much larger than the
 * file, another writer changing rows during the import, storage failing part way.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelinePolicy, PipelineRequest } from '@azure/core-rest-pipeline';
import { beforeEach, describe, expect, it } from 'vitest';
import { runLoyaltyCli, type CliIo } from '../../scripts/loyalty';
import type { LoyaltyMember } from '../../shared/loyalty/member';
import type { TableAdminOptions } from '../../shared/storage/table/tableAdmin';
import { tableRepository, uniqueTableNames } from '../support/tables';

let out: string[];
let err: string[];
const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
const dir = mkdtempSync(join(tmpdir(), 'loyalty-bulk-'));

beforeEach(() => {
  out = [];
  err = [];
});

function member(i: number, overrides: Partial<LoyaltyMember> = {}): LoyaltyMember {
  return {
    email: `m${i}@contoso.com`,
    loyaltyId: `L${i}`,
    promoCode: 'P',
    status: 'active',
    ...overrides,
  };
}

function csvOf(name: string, members: readonly LoyaltyMember[]): string {
  const path = join(dir, name);
  const rows = members.map((m) => `${m.email},${m.loyaltyId},${m.promoCode},${m.status}`);
  writeFileSync(path, ['email,loyaltyId,promoCode,status', ...rows].join('\n') + '\n');
  return path;
}

/** Table writes (not the table creation): POST of an entity or a $batch, PUT, MERGE. */
function isEntityWrite(request: PipelineRequest): boolean {
  return request.method !== 'GET' && !/\/Tables(\(|$|\?)/.test(new URL(request.url).pathname);
}

/** Runs `before` once, just before the first entity write goes out. */
function beforeFirstWrite(before: () => Promise<void>): PipelinePolicy {
  let done = false;
  return {
    name: 'beforeFirstWrite',
    async sendRequest(request, next) {
      if (!done && isEntityWrite(request)) {
        done = true;
        await before();
      }
      return next(request);
    },
  };
}

function withPolicy(policy: PipelinePolicy): Partial<TableAdminOptions> {
  return { clientOptions: { additionalPolicies: [{ policy, position: 'perCall' }] } };
}

describe('npm run loyalty import against Table Storage', () => {
  it('reads rows one by one beyond what is worth listing, and still reports every outcome', async () => {
    const tables = uniqueTableNames('Bulk');
    const stored = Array.from({ length: 12 }, (_, i) => member(i));
    await tableRepository('Bulk', tables).saveMembers(stored);
    let pointReads = 0;
    const counting: PipelinePolicy = {
      name: 'countPointReads',
      sendRequest(request, next) {
        if (request.method === 'GET' && request.url.includes('(PartitionKey=')) pointReads += 1;
        return next(request);
      },
    };
    // 14 rows saved list at most 2 pages of 2 rows (14 × 0.25 rows); the rest is read row by row.
    const repository = tableRepository('Bulk', {
      ...tables,
      ...withPolicy(counting),
      bulk: { pageSize: 2, listedRowsPerSavedRow: 0.25, concurrency: 3 },
    });
    const file = csvOf('budget.csv', [
      ...stored.map((m, i) => (i % 3 === 0 ? { ...m, promoCode: 'NEW' } : m)),
      member(100),
      member(101),
    ]);
    expect(await runLoyaltyCli(['import', file], repository, io)).toBe(0);
    expect(out).toEqual([`Imported ${file}: 2 added, 4 updated, 8 unchanged, 0 rejected`]);
    expect(pointReads).toBeGreaterThanOrEqual(8);
    expect((await repository.findMember('m9@contoso.com', 'L9'))?.promoCode).toBe('NEW');
    expect(await repository.findMember('m101@contoso.com', 'L101')).toBeDefined();
  });

  it('reports what happened when another writer adds the same rows during the import', async () => {
    const tables = uniqueTableNames('Race');
    const other = tableRepository('Race', tables);
    const rows = [member(1), member(2, { email: 'pair@contoso.com' })];
    rows.push(member(3, { email: 'pair@contoso.com' }));
    const repository = tableRepository('Race', {
      ...tables,
      ...withPolicy(
        beforeFirstWrite(async () => {
          // Between the import's read and its write: one single row and one of a transaction.
          await other.saveMember(rows[0] ?? member(0));
          await other.saveMember(rows[1] ?? member(0));
        }),
      ),
      bulk: { concurrency: 1 },
    });
    const file = csvOf('race.csv', rows);
    expect(await runLoyaltyCli(['import', file], repository, io)).toBe(0);
    expect(out).toEqual([`Imported ${file}: 1 added, 0 updated, 2 unchanged, 0 rejected`]);
    expect(await other.listMembersByEmail('pair@contoso.com')).toHaveLength(2);
  });

  it('reports an update as what it was when another writer changed the row meanwhile', async () => {
    const tables = uniqueTableNames('Changed');
    const other = tableRepository('Changed', tables);
    await other.saveMember(member(1, { promoCode: 'OLD' }));
    const repository = tableRepository('Changed', {
      ...tables,
      ...withPolicy(
        beforeFirstWrite(async () => {
          await other.saveMember(member(1, { promoCode: 'NEW' }));
        }),
      ),
    });
    const file = csvOf('changed.csv', [member(1, { promoCode: 'NEW' })]);
    expect(await runLoyaltyCli(['import', file], repository, io)).toBe(0);
    expect(out).toEqual([`Imported ${file}: 0 added, 0 updated, 1 unchanged, 0 rejected`]);
  });

  it('can simply be run again after storage failed part way', async () => {
    const tables = uniqueTableNames('Broken');
    let writes = 0;
    const failing: PipelinePolicy = {
      name: 'failAfterFiveWrites',
      async sendRequest(request, next) {
        if (isEntityWrite(request) && ++writes > 5) throw new Error('connection reset');
        return next(request);
      },
    };
    const rows = Array.from({ length: 40 }, (_, i) => member(i));
    const file = csvOf('broken.csv', rows);
    const broken = tableRepository('Broken', {
      ...tables,
      ...withPolicy(failing),
      bulk: { concurrency: 2 },
    });
    await expect(runLoyaltyCli(['import', file], broken, io)).rejects.toThrow(/connection reset/);
    const healthy = tableRepository('Broken', tables);
    let saved = 0;
    for await (const page of healthy.listMembers()) saved += page.length;
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(rows.length);

    expect(await runLoyaltyCli(['import', file], healthy, io)).toBe(0);
    expect(out).toEqual([
      `Imported ${file}: ${rows.length - saved} added, 0 updated, ${saved} unchanged, 0 rejected`,
    ]);
    let after = 0;
    for await (const page of healthy.listMembers()) after += page.length;
    expect(after).toBe(rows.length);
  });
});
