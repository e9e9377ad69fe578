/**
 * Operators can undo what the throttle did and see what they run: reset-attempts, remove (which
 * wants --yes when standard input is not a terminal), --version of both tools, a "did you mean"
 * for a mistyped --auth, a GUID check of balance --object-id, and TABLES_ENDPOINT in the help.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { runLoyaltyCli, type CliIo } from '../../scripts/loyalty';
import { runPolicyCli } from '../../scripts/policy';
import type { MemberAdmin } from '../../shared/loyalty/admin';
import { TableAttemptStore } from '../../shared/storage/table/tableAttemptStore';
import type { TableLoyaltyAdmin } from '../../shared/storage/table/tableAdmin';
import { aMember } from '../support/builders';
import { invoke, testDeps } from '../support/invoke';
import { runProcess } from '../support/runProcess';
import { azuriteConnectionString, tableRepository, uniqueTableNames } from '../support/tables';

const ROOT = join(__dirname, '..', '..');
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
const EMAIL = 'locked.out@contoso.com';

let repository: TableLoyaltyAdmin;
let attempts: TableAttemptStore;
let out: string[];
let err: string[];
const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
const noStorage = async (): Promise<MemberAdmin> => {
  throw new Error('storage opened');
};

beforeEach(async () => {
  repository = tableRepository('Ops');
  attempts = new TableAttemptStore({
    tables: azuriteConnectionString(),
    tableName: `OpsAttempts${randomBytes(4).toString('hex')}`,
  });
  await Promise.all([repository.init(), attempts.init()]);
  await repository.saveMember(aMember({ email: EMAIL, loyaltyId: '5678', promoCode: 'SPRING24' }));
  await repository.saveMember(aMember({ email: EMAIL, loyaltyId: '9012', promoCode: 'SPRING24' }));
  out = [];
  err = [];
});

const cli = (argv: string[], extra: Partial<CliIo> = {}) =>
  runLoyaltyCli(argv, repository, { ...io, ...extra }, { store: attempts, windowMs: 900_000 });

describe('npm run loyalty reset-attempts', () => {
  it('removes the throttle rows of one email, its addresses included, and says how many', async () => {
    const handler = makeValidateProfile(
      testDeps({ repository, attempts, env: { MAX_FAILED_VALIDATIONS: '2' } }),
    );
    const guess = (loyaltyId: string, ipAddress?: string) =>
      invoke(handler, { json: { email: EMAIL, loyaltyId, ...(ipAddress ? { ipAddress } : {}) } });
    await guess('1', '198.51.100.9');
    await guess('2', '198.51.100.9');
    await guess('3');
    await guess('4');
    await attempts.write(
      'someone.else@contoso.com',
      { count: 1, windowStart: new Date() },
      undefined,
    );
    expect((await guess('5678')).body.code).toBe('TooManyAttempts');
    expect((await guess('5678', '198.51.100.9')).body.code).toBe('TooManyAttempts');

    expect(await cli(['reset-attempts', '--email', ' Locked.Out@contoso.com'])).toBe(0);
    expect(out).toEqual([
      'Removed 2 throttle rows of that email: its next sign-up is checked as if it had never failed.',
    ]);
    expect(out.join('\n')).not.toContain('contoso.com');
    expect((await guess('5678')).body).toEqual({ promoCode: 'SPRING24' });
    expect((await guess('5678', '198.51.100.9')).body).toEqual({ promoCode: 'SPRING24' });
    expect((await attempts.read('someone.else@contoso.com')).attempts?.count).toBe(1);

    out = [];
    expect(await cli(['reset-attempts', '--email', EMAIL])).toBe(0);
    expect(out[0]).toMatch(/^Removed 0 throttle rows/);
  });

  it('wants --email', async () => {
    expect(await cli(['reset-attempts'])).toBe(2);
    expect(err[0]).toBe('Error: --email is required');
  });
});

describe('npm run loyalty remove', () => {
  it('refuses without --yes when standard input is not a terminal, after showing its plan', async () => {
    expect(await cli(['remove', '--email', EMAIL])).toBe(2);
    expect(out).toEqual(['Plan: remove 2 memberships of that email (loyalty ID 5678, 9012).']);
    expect(err[0]).toBe('Error: standard input is not a terminal: add --yes to remove');
    expect(await repository.listMembersByEmail(EMAIL)).toHaveLength(2);
  });

  it('removes one membership with --loyalty-id and --yes, then finds nothing to remove', async () => {
    expect(await cli(['remove', '--email', EMAIL, '--loyalty-id', '9012', '--yes'])).toBe(0);
    expect(out).toEqual([
      'Plan: remove 1 membership of that email (loyalty ID 9012).',
      'Removed 1 membership.',
    ]);
    expect((await repository.listMembersByEmail(EMAIL)).map((m) => m.loyaltyId)).toEqual(['5678']);
    expect(await cli(['remove', '--email', EMAIL, '--loyalty-id', '9012', '--yes'])).toBe(1);
    expect(err).toEqual([
      'Nothing to remove: that email holds no membership with loyalty ID 9012.',
    ]);
  });

  it('asks on a terminal, and removes only on yes', async () => {
    const questions: string[] = [];
    const answering = (yes: boolean): Partial<CliIo> => ({
      interactive: true,
      confirm: async (question) => {
        questions.push(question);
        return yes;
      },
    });
    expect(await cli(['remove', '--email', EMAIL], answering(false))).toBe(1);
    expect(await repository.listMembersByEmail(EMAIL)).toHaveLength(2);
    expect(await cli(['remove', '--email', EMAIL], answering(true))).toBe(0);
    expect(questions).toEqual(['Remove? [y/N] ', 'Remove? [y/N] ']);
    expect(await repository.listMembersByEmail(EMAIL)).toEqual([]);
  });

  it('as a process with standard input not a terminal: refuses without --yes', async () => {
    const names = uniqueTableNames('OpsProc');
    await tableRepository('OpsProc', names).saveMember(aMember({ email: EMAIL }));
    const env = {
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      LOYALTY_TABLE_NAME: names.loyaltyTableName,
      BALANCES_TABLE_NAME: names.balancesTableName,
    };
    const script = join(ROOT, 'dist/scripts/loyalty.js');
    const refused = await runProcess('node', [script, 'remove', '--email', EMAIL], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes to remove');
    const done = await runProcess('node', [script, 'remove', '--email', EMAIL, '--yes'], { env });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Removed 1 membership.');
  });
});

describe('what the operator runs', () => {
  it('npm run loyalty -- --version and npm run policy -- --version print the version', async () => {
    expect(await runLoyaltyCli(['--version'], noStorage, io)).toBe(0);
    expect(runPolicyCli(['--version'], io, { appRoot: ROOT, cwd: ROOT })).toBe(0);
    expect(out).toEqual([VERSION, VERSION]);
    for (const script of ['loyalty', 'policy']) {
      const run = await runProcess('node', [join(ROOT, `dist/scripts/${script}.js`), '--version']);
      expect(run.stdout.trim()).toBe(VERSION);
    }
  });

  it('suggests the --auth kind meant', () => {
    const argv = ['--base-url', 'https://contoso-b2c.azurewebsites.net', '--auth', 'apikye'];
    expect(runPolicyCli(argv, io, { appRoot: ROOT, cwd: ROOT })).toBe(2);
    expect(err[0]).toBe(
      "Error: --auth must be one of basic, apikey, certificate, bearer, none (got 'apikye'). Did you mean apikey?",
    );
  });

  it('balance --object-id refuses what is not a GUID, before opening storage', async () => {
    expect(await runLoyaltyCli(['balance', '--object-id', 'obj-1'], noStorage, io)).toBe(2);
    expect(err[0]).toMatch(/^Error: --object-id 'obj-1' is not a GUID/);
  });

  it('lists TABLES_ENDPOINT, remove and reset-attempts in the help', async () => {
    expect(await runLoyaltyCli(['--help'], noStorage, io)).toBe(0);
    for (const word of ['TABLES_ENDPOINT', 'remove', 'reset-attempts', '--version']) {
      expect(out.join('\n')).toContain(word);
    }
  });
});
