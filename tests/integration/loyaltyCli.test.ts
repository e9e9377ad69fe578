import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runLoyaltyCli, type CliIo } from '../../scripts/loyalty';
import type { TableLoyaltyRepository } from '../../shared/storage/tableRepository';
import { tableRepository } from '../support/tables';

let repository: TableLoyaltyRepository;
let out: string[];
let err: string[];
const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
const dir = mkdtempSync(join(tmpdir(), 'loyalty-cli-'));

function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

beforeEach(async () => {
  repository = tableRepository('Cli');
  await repository.init();
  out = [];
  err = [];
});

describe('npm run loyalty', () => {
  it('add registers a member that ValidateProfile then finds, and get prints it', async () => {
    const code = await runLoyaltyCli(
      [
        'add',
        '--email',
        ' Ann@Contoso.com',
        '--loyalty-id',
        'A-1',
        '--promo-code',
        'P1',
        '--status',
        'suspended',
      ],
      repository,
      io,
    );
    expect(code).toBe(0);
    expect(out[0]).toBe('added: ann@contoso.com A-1 (suspended)');
    expect(await repository.findMember('ann@contoso.com', 'A-1')).toEqual({
      email: 'ann@contoso.com',
      loyaltyId: 'A-1',
      promoCode: 'P1',
      status: 'suspended',
    });
    out = [];
    expect(await runLoyaltyCli(['get', '--email', 'ANN@contoso.com'], repository, io)).toBe(0);
    expect(JSON.parse(out[0] ?? '')).toHaveLength(1);
  });

  it('import loads good rows, reports bad ones by line number, and is safe to repeat', async () => {
    const file = csv(
      'members.csv',
      'email,loyaltyId,promoCode,status\n' +
        'ann@contoso.com,A1,P1,\n' +
        'not-an-email,A2,P2,active\n' +
        'bob@contoso.com,B1,P2,suspended\n' +
        'carl@contoso.com,,P3,active\n' +
        'dee@contoso.com,D1,P4,frozen\n' +
        '"o#hash?/x@contoso.com",H1,P5,active\n',
    );
    expect(await runLoyaltyCli(['import', file], repository, io)).toBe(1);
    expect(out).toEqual([`Imported ${file}: 3 added, 0 updated, 0 unchanged, 3 rejected`]);
    expect(err).toEqual([
      'line 3: email is not an email address',
      'line 5: loyaltyId is missing',
      'line 6: status must be active or suspended',
    ]);
    expect((await repository.findMember('o#hash?/x@contoso.com', 'H1'))?.promoCode).toBe('P5');

    out = [];
    err = [];
    await runLoyaltyCli(['import', file], repository, io);
    expect(out).toEqual([`Imported ${file}: 0 added, 0 updated, 3 unchanged, 3 rejected`]);
  });

  it('import exits 0 when every row loads, and says which rows changed', async () => {
    await runLoyaltyCli(
      ['add', '--email', 'ann@contoso.com', '--loyalty-id', 'A1', '--promo-code', 'OLD'],
      repository,
      io,
    );
    out = [];
    const file = csv(
      'ok.csv',
      'email,loyaltyId,promoCode\nann@contoso.com,A1,NEW\nzed@contoso.com,Z1,Z\n',
    );
    expect(await runLoyaltyCli(['import', file], repository, io)).toBe(0);
    expect(out).toEqual([`Imported ${file}: 1 added, 1 updated, 0 unchanged, 0 rejected`]);
  });

  it('import refuses a file whose header lacks a column', async () => {
    const file = csv('bad-header.csv', 'mail,loyaltyId,promoCode\na@b.c,1,2\n');
    expect(await runLoyaltyCli(['import', file], repository, io)).toBe(2);
    expect(err[0]).toContain('missing email');
  });

  it('balance sets an exact amount and reads it back', async () => {
    expect(
      await runLoyaltyCli(['balance', '--object-id', 'obj-1', '--set', '12.3'], repository, io),
    ).toBe(0);
    out = [];
    expect(await runLoyaltyCli(['balance', '--object-id', 'obj-1'], repository, io)).toBe(0);
    expect(JSON.parse(out[0] ?? '')).toEqual({ objectId: 'obj-1', balance: '12.30' });
  });

  it('balance of an unknown user exits 1 and says how balances are created', async () => {
    expect(await runLoyaltyCli(['balance', '--object-id', 'nobody'], repository, io)).toBe(1);
    expect(err[0]).toContain('STARTING_BALANCE');
  });

  it.each([
    [['add', '--email', 'a@b.c', '--loyalty-id', '1'], '--promo-code is required'],
    [
      ['add', '--email', 'a@b.c', '--loyalty-id', '1', '--promo-code', 'P', '--status', 'odd'],
      'status must be active or suspended',
    ],
    [['balance', '--object-id', 'x', '--set', '1.234'], '--set is not an amount'],
    [['balance', '--object-id', 'x', '--set=-1'], '--set is not an amount'],
    [['import'], 'import takes one FILE.csv'],
    [['import', '/no/such/file.csv'], 'no such file'],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['get', '--mail', 'a@b.c'], "Unknown option '--mail'"],
  ])('%j exits 2 with a clear error and the usage', async (argv, message) => {
    expect(await runLoyaltyCli(argv, repository, io)).toBe(2);
    expect(err[0]).toContain(message);
    expect(err[0]).toContain('Usage: npm run loyalty');
  });
});
