/**
 * `npm run policy`: how the command line answers (what the renderer writes for each option is
 * in policyRender.test.ts).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicyArgs, runPolicyCli, type CliIo } from '../../scripts/policy';
import { TEMPLATE_DIR } from '../support/policyKit';

const BASE = 'https://contoso-b2c.azurewebsites.net';

describe('the npm run policy command line', () => {
  function run(argv: string[]) {
    const appRoot = mkdtempSync(join(tmpdir(), 'policy-cli-'));
    // The templates only: not what a user rendered (policies/rendered/) or keeps (schema/).
    cpSync(TEMPLATE_DIR, join(appRoot, 'policies'), {
      recursive: true,
      filter: (source) => !/[\\/]policies[\\/](rendered|schema)([\\/]|$)/.test(source),
    });
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
    const code = runPolicyCli(argv, io, { appRoot, cwd: appRoot });
    return { code, out: out.join('\n'), err: err.join('\n'), appRoot };
  }

  it('writes the rendered files to policies/rendered/<tenant> by default and says what to do next', () => {
    const result = run([
      '--base-url',
      BASE,
      '--auth',
      'basic',
      '--tenant',
      'Contoso.onmicrosoft.com',
    ]);
    expect(result.code).toBe(0);
    const outDir = join(result.appRoot, 'policies', 'rendered', 'contoso');
    expect(readdirSync(outDir).sort()).toEqual([
      'PasswordReset.xml',
      'ProfileEdit.xml',
      'SignUpOrSignin.xml',
      'TrustFrameworkExtensions.xml',
    ]);
    expect(readFileSync(join(outDir, 'SignUpOrSignin.xml'), 'utf8')).toContain(
      'TenantId="contoso.onmicrosoft.com"',
    );
    expect(result.out).toContain(`REST-ValidateProfile   ${BASE}/api/ValidateProfile`);
    expect(result.out).toContain('B2C_1A_RestApiUsername');
    expect(result.out).toContain('B2C_1A_RestApiPassword');
    expect(result.out).toContain('Upload, in this order');
    expect(result.out).toContain('--ief-app-id');
    expect(result.err).toBe('');
  });

  it('writes to --out, relative to where it was started', () => {
    const result = run(['--base-url', BASE, '--auth', 'apikey', '--out', 'somewhere/else']);
    expect(result.code).toBe(0);
    expect(
      existsSync(join(result.appRoot, 'somewhere', 'else', 'TrustFrameworkExtensions.xml')),
    ).toBe(true);
  });

  it('with --auth none renders and warns on stderr that the API is open to anyone', () => {
    const result = run(['--base-url', BASE, '--auth', 'none']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^Warning: --auth none: B2C calls the API without any credentials/);
    expect(result.err).toContain('AllowInsecureAuthInProduction');
  });

  it('prints the usage with --help and exits 0', () => {
    const result = run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: npm run policy -- --base-url/);
  });

  it.each([
    [[], '--base-url is required'],
    [['--base-url', BASE], '--auth is required'],
    [
      ['--base-url', BASE, '--auth', 'oauth'],
      '--auth must be one of basic, apikey, certificate, bearer, none',
    ],
    [['--base-url', 'contoso.azurewebsites.net', '--auth', 'basic'], 'is not an absolute URL'],
    [['--base-url', 'http://contoso.azurewebsites.net', '--auth', 'basic'], 'must be https://'],
    [['--base-url', `${BASE}/api?code=abc`, '--auth', 'basic'], 'must not have a query string'],
    [
      ['--base-url', 'https://user:pw@contoso.azurewebsites.net', '--auth', 'basic'],
      'must not carry credentials',
    ],
    [['--base-url', BASE, '--auth', 'basic', '--tenant', 'con-toso'], 'is not a B2C tenant name'],
    [
      ['--base-url', BASE, '--auth', 'basic', '--send-claims-in', 'Url'],
      '--send-claims-in must be one of Body, Form, QueryString, Header',
    ],
    [
      ['--base-url', BASE, '--auth', 'basic', '--api-key-header', 'x-key'],
      '--api-key-header goes with --auth apikey',
    ],
    [
      ['--base-url', BASE, '--auth', 'apikey', '--api-key-header', 'x key'],
      'is not an HTTP header name',
    ],
    [
      ['--base-url', BASE, '--auth', 'basic', '--tenant-id', 'contoso'],
      "--tenant-id 'contoso' is not a GUID",
    ],
    [
      ['--base-url', BASE, '--auth', 'basic', '--base-policy', 'TrustFrameworkBase'],
      'is not a custom policy ID',
    ],
    [['--base-url', BASE, '--auth', 'basic', '--verbose'], "Unknown option '--verbose'."],
    [
      ['--base-url', BASE, '--auth', 'basic', '--tennant', 'contoso'],
      "Unknown option '--tennant'. Did you mean --tenant?",
    ],
    [['--base-url', BASE, '--auth', 'basic', 'extra'], 'extra'],
  ])('rejects %j with exit code 2: %s', (argv, message) => {
    const result = run(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('Run `npm run policy -- --help` for the options.');
    expect(result.err).not.toContain('Usage:');
    expect(existsSync(join(result.appRoot, 'policies', 'rendered'))).toBe(false);
  });

  it('refuses to overwrite the templates themselves', () => {
    const result = run(['--base-url', BASE, '--auth', 'basic', '--out', 'policies']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('is the template folder');
  });

  it('accepts plain HTTP only for a loopback host, with a warning', () => {
    expect(
      parsePolicyArgs(['--base-url', 'http://127.0.0.1:7999/', '--auth', 'none']),
    ).toMatchObject({
      baseUrl: 'http://127.0.0.1:7999',
      notes: [expect.stringContaining('plain HTTP')],
    });
  });

  it('accepts the option values in any case', () => {
    expect(
      parsePolicyArgs(['--base-url', BASE, '--auth', 'APIKEY', '--send-claims-in', 'querystring']),
    ).toMatchObject({ auth: 'apikey', sendClaimsIn: 'QueryString' });
  });
});
