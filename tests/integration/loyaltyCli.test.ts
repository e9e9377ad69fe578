import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { runLoyaltyCli, type CliIo } from '../../scripts/loyalty';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import type { LoyaltyMember } from '../../shared/loyalty/member';
import type { MemberAdmin } from '../../shared/loyalty/admin';
import type { TableLoyaltyAdmin } from '../../shared/storage/table/tableAdmin';
import { tableRepository } from '../support/tables';
import { file, scratchDir, USER } from '../support/loyaltyCliFixture';

let repository: TableLoyaltyAdmin;
let out: string[];
let err: string[];
const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };

/** The one summary line an import prints on standard output. */
function summary(): string | undefined {
  return out.find((l) => l.startsWith('Imported '));
}

async function allMembers(repo: MemberAdmin): Promise<LoyaltyMember[]> {
  const all: LoyaltyMember[] = [];
  for await (const page of repo.listMembers()) all.push(...page);
  return all.sort((a, b) => (`${a.email} ${a.loyaltyId}` < `${b.email} ${b.loyaltyId}` ? -1 : 1));
}

/** A stream that collects what is written, as a terminal (isTTY) or not. */
function captureStream(isTTY: boolean): PassThrough & { isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120 });
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return Object.assign(stream, { text: () => chunks.join('') });
}

beforeEach(async () => {
  repository = tableRepository('Cli');
  await repository.init();
  out = [];
  err = [];
});

describe('npm run loyalty add, get and balance', () => {
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

  it('balance sets an exact amount and reads it back', async () => {
    const user = ['balance', '--object-id', USER];
    expect(await runLoyaltyCli([...user, '--set', '12.3'], repository, io)).toBe(0);
    out = [];
    expect(await runLoyaltyCli(user, repository, io)).toBe(0);
    expect(JSON.parse(out[0] ?? '')).toEqual({ objectId: USER, balance: '12.30' });
  });

  it('balance of an unknown user exits 1 and says how balances are created', async () => {
    const nobody = '0b1ec7a1-0000-4000-8000-0000000000ff';
    expect(await runLoyaltyCli(['balance', '--object-id', nobody], repository, io)).toBe(1);
    expect(err[0]).toContain('STARTING_BALANCE');
  });
});

describe('npm run loyalty import', () => {
  it('loads good CSV rows, reports bad ones by line number, exits 1, and is safe to repeat', async () => {
    const path = file(
      'members.csv',
      'email,loyaltyId,promoCode,status\n' +
        'ann@contoso.com,A1,P1,\n' +
        'not-an-email,A2,P2,active\n' +
        'bob@contoso.com,B1,P2,suspended\n' +
        'carl@contoso.com,,P3,active\n' +
        'dee@contoso.com,D1,P4,frozen\n' +
        '"o#hash?/x@contoso.com",H1,P5,active\n' +
        'eve@contoso.com,E1\n',
    );
    expect(await runLoyaltyCli(['import', path], repository, io)).toBe(1);
    expect(out).toEqual([
      `Imported ${path}: 3 added, 0 updated, 0 unchanged, 4 rejected (lines 3, 5, 6, 8)`,
    ]);
    expect(err.slice(0, 4)).toEqual([
      'line 3: email is not an email address',
      'line 5: loyaltyId is missing',
      'line 6: status must be active or suspended',
      expect.stringMatching(/^line 8: malformed CSV: /),
    ]);
    expect((await repository.findMember('o#hash?/x@contoso.com', 'H1'))?.promoCode).toBe('P5');

    out = [];
    err = [];
    expect(await runLoyaltyCli(['import', path], repository, io)).toBe(1);
    expect(summary()).toBe(
      `Imported ${path}: 0 added, 0 updated, 3 unchanged, 4 rejected (lines 3, 5, 6, 8)`,
    );
  });

  it('exits 0 when every row loads, and says which rows changed', async () => {
    await runLoyaltyCli(
      ['add', '--email', 'ann@contoso.com', '--loyalty-id', 'A1', '--promo-code', 'OLD'],
      repository,
      io,
    );
    out = [];
    const path = file(
      'ok.csv',
      'email,loyaltyId,promoCode\nann@contoso.com,A1,NEW\nzed@contoso.com,Z1,Z\n',
    );
    expect(await runLoyaltyCli(['import', path], repository, io)).toBe(0);
    expect(out).toEqual([`Imported ${path}: 1 added, 1 updated, 0 unchanged, 0 rejected`]);
    expect(err).toEqual([expect.stringMatching(/^Took [\d.]+ s for 2 rows \(\d+ rows\/s\)\.$/)]);
  });

  it('takes columns in any order, ignores unknown ones, and lets a later row win', async () => {
    const path = file(
      'reordered.csv',
      '\uFEFFstatus,note,promoCode,loyaltyId,email\n' +
        'suspended,first,P1,F1,fay@contoso.com\n' +
        ',second,P2,F1,FAY@contoso.com\n',
    );
    expect(await runLoyaltyCli(['import', path], repository, io)).toBe(0);
    expect(summary()).toBe(`Imported ${path}: 1 added, 1 updated, 0 unchanged, 0 rejected`);
    expect(await repository.findMember('fay@contoso.com', 'F1')).toEqual({
      email: 'fay@contoso.com',
      loyaltyId: 'F1',
      promoCode: 'P2',
      status: 'active',
    });
  });

  it('loads JSON Lines and reports bad lines by number, whatever is wrong with them', async () => {
    const path = file(
      'members.jsonl',
      '{"email":"gus@contoso.com","loyaltyId":"G1","promoCode":"P1"}\n' +
        '\n' +
        '{"email":"hana@contoso.com","loyaltyId":"H1","promoCode":"P2","status":"suspended","extra":1}\r\n' +
        '{"email":"ivy@contoso.com","loyaltyId":1001,"promoCode":"P3"}\n' +
        '{"email":"jon@contoso.com", "loyaltyId":\n' +
        '["not","an","object"]\n' +
        '{"email":"kai@contoso.com","promoCode":"P4"}\n' +
        '{"email":"ló@bücher.de","loyaltyId":"L,\\"1\\"","promoCode":"P5","status":null}',
    );
    expect(await runLoyaltyCli(['import', path], repository, io)).toBe(1);
    expect(summary()).toBe(
      `Imported ${path}: 3 added, 0 updated, 0 unchanged, 4 rejected (lines 4, 5, 6, 7)`,
    );
    expect(err.slice(0, 4)).toEqual([
      'line 4: loyaltyId must be a JSON string',
      expect.stringMatching(/^line 5: not valid JSON/),
      'line 6: is not a JSON object',
      'line 7: loyaltyId is missing',
    ]);
    expect((await repository.findMember('hana@contoso.com', 'H1'))?.status).toBe('suspended');
    expect((await repository.findMember('ló@bücher.de', 'L,"1"'))?.status).toBe('active');
  });

  it('reads .ndjson as JSON Lines, and any file name with --format', async () => {
    const line = '{"email":"lou@contoso.com","loyaltyId":"L1","promoCode":"P"}\n';
    expect(await runLoyaltyCli(['import', file('m.ndjson', line)], repository, io)).toBe(0);
    out = [];
    const txt = file('members.txt', line);
    expect(await runLoyaltyCli(['import', txt, '--format', 'jsonl'], repository, io)).toBe(0);
    expect(summary()).toContain('0 added, 0 updated, 1 unchanged');
    const csvTxt = file('members.data', 'email,loyaltyId,promoCode\nmia@contoso.com,M1,P\n');
    expect(await runLoyaltyCli(['import', '--format=CSV', csvTxt], repository, io)).toBe(0);
    expect(await repository.findMember('mia@contoso.com', 'M1')).toBeDefined();
  });

  it('refuses a CSV file whose header lacks a column, before saving anything', async () => {
    const path = file('bad-header.csv', 'mail,loyaltyId,promoCode\na@b.c,1,2\n');
    expect(await runLoyaltyCli(['import', path], repository, io)).toBe(2);
    expect(err[0]).toContain('missing email');
    expect(await repository.isEmpty()).toBe(true);
  });

  it('shows a progress bar on a terminal', async () => {
    const terminal = captureStream(true);
    const rows = Array.from({ length: 30 }, (_, i) => `p${i}@contoso.com,P${i},X`).join('\n');
    const path = file('bar.csv', `email,loyaltyId,promoCode\n${rows}\n`);
    expect(await runLoyaltyCli(['import', path], repository, { ...io, progress: terminal })).toBe(
      0,
    );
    const drawn = terminal.text();
    expect(drawn).toContain('\u2588'); // the bar's filled block
    expect(drawn).toContain('30/30 rows');
    expect(drawn).toContain('100%');
    expect(drawn).toContain('\u001b['); // drawn in place with terminal control sequences
  });

  it('writes plain progress lines, without terminal control sequences, when not on a terminal', async () => {
    const log = captureStream(false);
    const rows = Array.from({ length: 30 }, (_, i) => `q${i}@contoso.com,Q${i},X`).join('\n');
    const path = file('plain.csv', `email,loyaltyId,promoCode\n${rows}\n`);
    const code = await runLoyaltyCli(['import', path], repository, {
      ...io,
      progress: log,
      progressIntervalMs: 10,
    });
    expect(code).toBe(0);
    const lines = log.text().trim().split('\n');
    expect(lines[0]).toMatch(/^import: 0\/30 rows \(0%\), \d+ rows\/s, \d+s elapsed$/);
    expect(lines.at(-1)).toMatch(/^import: 30\/30 rows \(100%\), \d+ rows\/s, \d+s elapsed$/);
    expect(log.text()).not.toContain('\u001b');
  });
});

describe('npm run loyalty export', () => {
  const tricky: LoyaltyMember[] = [
    { email: 'ann@contoso.com', loyaltyId: 'A1', promoCode: 'WELCOME5', status: 'active' },
    { email: 'ann@contoso.com', loyaltyId: 'A,2', promoCode: 'say "hi"', status: 'suspended' },
    { email: '"quoted name"@contoso.com', loyaltyId: 'Q1', promoCode: 'P', status: 'active' },
    { email: 'josé.müller@bücher.de', loyaltyId: 'Ü-1', promoCode: '5€', status: 'active' },
    { email: '用户@例子.中国', loyaltyId: '会员1', promoCode: 'P#1/?', status: 'active' },
  ];

  it('writes every member to a CSV file with the import header, quoting what needs it', async () => {
    await repository.saveMembers(tricky);
    const path = join(scratchDir, 'export.csv');
    expect(await runLoyaltyCli(['export', '--out', path], repository, io)).toBe(0);
    expect(out).toEqual([`Exported 5 members to ${path}`]);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('email,loyaltyId,promoCode,status\r\n')).toBe(true);
    expect(text).toContain('ann@contoso.com,"A,2","say ""hi""",suspended\r\n');
    expect(text).toContain('"""quoted name""@contoso.com",Q1,P,active\r\n');
    expect(text).toContain('josé.müller@bücher.de,Ü-1,5€,active\r\n');
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(5);
    expect(records).toEqual(expect.arrayContaining(tricky.map((m) => ({ ...m }))));
  });

  it('round-trips: an exported file imports into an empty store as the same members, and changes nothing when imported back', async () => {
    await repository.saveMembers(tricky);
    const path = join(scratchDir, 'round-trip.csv');
    await runLoyaltyCli(['export', '--out', path], repository, io);

    const fresh = tableRepository('CliCopy');
    await fresh.init();
    out = [];
    expect(await runLoyaltyCli(['import', path], fresh, io)).toBe(0);
    expect(summary()).toBe(`Imported ${path}: 5 added, 0 updated, 0 unchanged, 0 rejected`);
    expect(await allMembers(fresh)).toEqual(await allMembers(repository));

    out = [];
    expect(await runLoyaltyCli(['import', path], repository, io)).toBe(0);
    expect(summary()).toBe(`Imported ${path}: 0 added, 0 updated, 5 unchanged, 0 rejected`);
  });

  it('writes to standard output without --out, and says how many on standard error', async () => {
    await repository.saveMembers(tricky.slice(0, 2));
    const stdout = captureStream(false);
    expect(await runLoyaltyCli(['export'], repository, { ...io, stdout })).toBe(0);
    expect(parse(stdout.text(), { columns: true })).toHaveLength(2);
    expect(out).toEqual([]);
    expect(err).toEqual(['Exported 2 members.']);
  });

  it('writes only the header for an empty store', async () => {
    expect(await runLoyaltyCli(['export'], repository, io)).toBe(0);
    expect(out).toEqual(['email,loyaltyId,promoCode,status']);
  });

  it('exports more members than one page holds', async () => {
    const memory = new MemoryLoyaltyRepository();
    const many = Array.from({ length: 1205 }, (_, i) => ({
      email: `u${i}@contoso.com`,
      loyaltyId: `L${i}`,
      promoCode: 'P',
      status: 'active' as const,
    }));
    await memory.saveMembers(many);
    const path = join(scratchDir, 'many.csv');
    expect(await runLoyaltyCli(['export', '--out', path], memory, io)).toBe(0);
    expect(out).toEqual([`Exported 1205 members to ${path}`]);
    const emails = (parse(readFileSync(path), { columns: true }) as { email: string }[]).map(
      (r) => r.email,
    );
    expect(new Set(emails).size).toBe(1205);
  });
});
