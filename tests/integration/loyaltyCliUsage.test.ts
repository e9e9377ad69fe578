/**
 * `npm run loyalty` help and usage errors: both answer before any storage is opened.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { runLoyaltyCli, type CliIo } from '../../scripts/loyalty';
import { COMMAND_HELP } from '../../scripts/loyalty/help';
import type { MemberAdmin } from '../../shared/loyalty/admin';
import { file, scratchDir, USER } from '../support/loyaltyCliFixture';

let out: string[];
let err: string[];
const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
/** Storage must not be opened: help and usage errors come before it. */
const noStorage = async (): Promise<MemberAdmin> => {
  throw new Error('storage opened');
};

beforeEach(() => {
  out = [];
  err = [];
});

describe('npm run loyalty help', () => {
  it.each(Object.keys(COMMAND_HELP))(
    '%s --help prints that command’s help, exits 0 and opens no storage',
    async (command) => {
      expect(await runLoyaltyCli([command, '--help'], noStorage, io)).toBe(0);
      expect(out).toEqual([COMMAND_HELP[command]]);
      expect(out[0]).toMatch(new RegExp(`^Usage: npm run loyalty -- ${command}\\b`));
      out = [];
      expect(await runLoyaltyCli([command, '-h'], noStorage, io)).toBe(0);
      expect(await runLoyaltyCli(['help', command], noStorage, io)).toBe(0);
      expect(out).toEqual([COMMAND_HELP[command], COMMAND_HELP[command]]);
    },
  );

  it.each([[['--help']], [['-h']], [['help']]])(
    '%j prints the usage naming every command, and exits 0',
    async (argv) => {
      expect(await runLoyaltyCli(argv, noStorage, io)).toBe(0);
      expect(out[0]).toContain('Usage: npm run loyalty -- <command>');
      for (const command of Object.keys(COMMAND_HELP)) expect(out[0]).toContain(`  ${command} `);
    },
  );

  it('without a command, prints the usage on standard error and exits 2', async () => {
    expect(await runLoyaltyCli([], noStorage, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toContain('Usage: npm run loyalty -- <command>');
    for (const command of Object.keys(COMMAND_HELP)) expect(err[0]).toContain(`  ${command} `);
  });
});

describe('npm run loyalty with bad arguments', () => {
  it.each([
    [['add', '--email', 'a@b.c', '--loyalty-id', '1'], '--promo-code is required', 'add'],
    [
      ['add', '--email', 'a@b.c', '--loyalty-id', '1', '--promo-code', 'P', '--status', 'odd'],
      'status must be active or suspended',
      'add',
    ],
    [['balance', '--object-id', USER, '--set', '1.234'], '--set is not an amount', 'balance'],
    [['balance', '--object-id', USER, '--set=-1'], '--set is not an amount', 'balance'],
    [['import'], 'import takes one FILE', 'import'],
    [['import', 'a.csv', 'b.csv'], 'import takes one FILE', 'import'],
    [['import', '/no/such/file.csv'], 'no such file', 'import'],
    [['import', scratchDir], 'no such file', 'import'],
    [['import', '--format', 'xml', file('a.csv', '')], '--format must be csv or jsonl', 'import'],
    [['import', file('members.xml', '')], 'cannot tell the format', 'import'],
    [['export', 'out.csv'], 'export takes no FILE', 'export'],
    [['export', '--out'], "Option '--out <value>' argument missing", 'export'],
    [['get', '--mail', 'a@b.c'], "Unknown option '--mail'. Did you mean --email?", 'get'],
    [
      ['add', '--loyaltyid', '1'],
      "Unknown option '--loyaltyid'. Did you mean --loyalty-id?",
      'add',
    ],
    [['export', '--output', 'x.csv'], "Unknown option '--output'. Did you mean --out?", 'export'],
    [['get', '--zzzzzz', 'a@b.c'], "Unknown option '--zzzzzz'.", 'get'],
    [['frobnicate'], "unknown command 'frobnicate'", undefined],
    [['imprt', 'm.csv'], "unknown command 'imprt'. Did you mean import?", undefined],
    [['help', 'frobnicate'], "no help for 'frobnicate'", undefined],
  ])(
    '%j exits 2 with the error and one line pointing at --help, before opening storage',
    async (argv, message, command) => {
      expect(await runLoyaltyCli(argv, noStorage, io)).toBe(2);
      expect(err).toEqual([
        expect.stringContaining(message),
        command === undefined
          ? 'Run `npm run loyalty -- --help` for the commands.'
          : `Run \`npm run loyalty -- ${command} --help\` for its options.`,
      ]);
      expect(err[0]).toMatch(/^Error: /);
      expect(err.join('\n')).not.toContain('Usage:');
    },
  );
});
