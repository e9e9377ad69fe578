/**
 * `npm run policy` as an operator runs it: the built script (dist/scripts/policy.js, what the
 * package.json script runs after building), its exit codes and the files it writes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../support/host';
import { hasPolicySchema, validatePolicies } from '../support/policySchema';

function policy(args: string[], cwd = APP_ROOT) {
  const run = spawnSync(
    process.execPath,
    [join(APP_ROOT, 'dist', 'scripts', 'policy.js'), ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    },
  );
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('the built npm run policy', () => {
  it('renders schema-valid files into --out and exits 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'policy-out-'));
    const run = policy([
      '--base-url',
      'https://contoso-b2c.azurewebsites.net',
      '--auth',
      'certificate',
      '--tenant',
      'contoso',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('B2C_1A_RestApiClientCertificate');
    expect(run.out).toContain('API_AUTH=certificate');
    const files = readdirSync(out).map((name) => ({
      name,
      xml: readFileSync(join(out, name), 'utf8'),
    }));
    expect(files.map((f) => f.name).sort()).toEqual([
      'PasswordReset.xml',
      'ProfileEdit.xml',
      'SignUpOrSignin.xml',
      'TrustFrameworkExtensions.xml',
    ]);
    if (hasPolicySchema()) {
      expect(await validatePolicies(files)).toEqual({ valid: true, errors: [] });
    }
  });

  it('finds the templates from any working directory', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'policy-cwd-'));
    const run = policy(
      ['--base-url', 'https://x.azurewebsites.net', '--auth', 'none', '--out', 'here'],
      elsewhere,
    );
    expect(run.code).toBe(0);
    expect(readdirSync(join(elsewhere, 'here'))).toContain('TrustFrameworkExtensions.xml');
    expect(run.err).toContain('Warning: --auth none');
  });

  it('exits 2 with the reason and a pointer to --help on bad arguments, and 0 with --help', () => {
    const bad = policy(['--base-url', 'https://x.azurewebsites.net', '--auth', 'password']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--auth must be one of basic, apikey, certificate, bearer, none');
    expect(bad.err).toContain('Run `npm run policy -- --help` for the options.');
    const help = policy(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--send-claims-in');
  });
});
