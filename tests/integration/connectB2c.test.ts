/**
 * `npm run connect -- b2c` (the built CLI, in a child process) against the Graph stand-in: an
 * empty tenant gets everything, a second run writes nothing, a dry run writes nothing, and the
 * policies go up base first whatever their order on disk.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../support/host';
import { connectors, keySets, policies, userFlows } from '../support/graph/b2cRoutes';
import {
  BASE_URL,
  SECRETS,
  USER_FLOW,
  appIdOf,
  eachB2cTenant,
  connectArgs,
  expectedPolicies,
} from '../support/graph/b2cFixture';
import { permissionGrants, servicePrincipals } from '../support/graph/directoryRoutes';
import { runConnect } from '../support/graph/runConnect';

const t = eachB2cTenant();

interface JsonPlan {
  steps: { kind: string; name: string; action: string; why: string }[];
  applied: boolean;
  written: string[];
}
const planOf = (stdout: string): JsonPlan => JSON.parse(stdout) as JsonPlan;

describe('npm run connect -- b2c on an empty tenant', () => {
  it('creates the keys, the IEF apps, the policies byte-equal to the files, and the user-flow connector', async () => {
    const run = await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const sets = keySets(t.graph.store);
    expect([...sets.keys()].sort()).toEqual([
      'B2C_1A_FacebookSecret',
      'B2C_1A_RestApiPassword',
      'B2C_1A_RestApiUsername',
      'B2C_1A_TokenEncryptionKeyContainer',
      'B2C_1A_TokenSigningKeyContainer',
    ]);
    for (const set of sets.values()) expect(set.keys).toHaveLength(1);
    expect(sets.get('B2C_1A_TokenSigningKeyContainer')?.keys[0]).toMatchObject({
      use: 'sig',
      kty: 'RSA',
      source: 'generated',
    });
    expect(sets.get('B2C_1A_TokenEncryptionKeyContainer')?.keys[0]).toMatchObject({
      use: 'enc',
      kty: 'RSA',
      source: 'generated',
    });
    expect(sets.get('B2C_1A_RestApiUsername')?.uploaded).toBe(SECRETS.BASIC_AUTH_USERNAME);
    expect(sets.get('B2C_1A_RestApiPassword')?.uploaded).toBe(SECRETS.BASIC_AUTH_PASSWORD);

    const iefAppId = appIdOf(t.graph, 'IdentityExperienceFramework');
    const proxyAppId = appIdOf(t.graph, 'ProxyIdentityExperienceFramework');
    const principals = [...servicePrincipals(t.graph.store).values()];
    const spOf = (appId: string) => principals.find((p) => p.appId === appId)?.id;
    const grants = [...permissionGrants(t.graph.store).values()].map((g) => [
      g.clientId,
      g.resourceId,
      g.scope,
    ]);
    expect(grants).toContainEqual([spOf(proxyAppId), spOf(iefAppId), 'user_impersonation']);

    const held = policies(t.graph.store);
    const expected = expectedPolicies(t.graph);
    expect([...held.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [id, xml] of expected)
      expect(held.get(id)?.equals(Buffer.from(xml, 'utf8')), id).toBe(true);
    const extensions = held.get('B2C_1A_TrustFrameworkExtensions')?.toString('utf8') ?? '';
    expect(extensions).toContain(`<Item Key="client_id">${proxyAppId}</Item>`);
    expect(extensions).toContain(`<Item Key="IdTokenAudience">${iefAppId}</Item>`);

    const [connector, ...others] = [...connectors(t.graph.store).values()];
    expect(others).toEqual([]);
    expect(connector).toMatchObject({
      targetUrl: `${BASE_URL}/api/ValidateProfile`,
      authenticationConfiguration: {
        '@odata.type': '#microsoft.graph.basicAuthentication',
        username: SECRETS.BASIC_AUTH_USERNAME,
      },
    });
    expect(userFlows(t.graph.store).get(USER_FLOW)?.steps).toEqual({
      postFederationSignup: connector?.id,
      postAttributeCollection: connector?.id,
    });

    expect(run.stdout).toContain('B2C_1A_signup_signin&client_id=');
    expect(run.stdout).toContain('redirect_uri=https%3A%2F%2Fjwt.ms');
    expect(run.stdout).toContain('Before sending the token');
    expect(run.output).not.toContain(SECRETS.BASIC_AUTH_PASSWORD);
  });

  it('uploads the chain base first although the files on disk sort the other way', async () => {
    const onDisk = [...readdirSync(join(APP_ROOT, 'policies')), ...readdirSync(t.pack)]
      .filter((n) => n.endsWith('.xml'))
      .sort();
    expect(onDisk.indexOf('SignUpOrSignin.xml')).toBeLessThan(
      onDisk.indexOf('TrustFrameworkBase.xml'),
    );

    const run = await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS });
    expect(run.code).toBe(0);
    const uploads = t.graph.requests
      .filter((r) => r.method === 'PUT' && r.path.startsWith('/beta/trustFramework/policies/'))
      .map((r) => r.path.split('/')[4]);
    expect(uploads.slice(0, 3)).toEqual([
      'B2C_1A_TrustFrameworkBase',
      'B2C_1A_TrustFrameworkLocalization',
      'B2C_1A_TrustFrameworkExtensions',
    ]);
    expect(uploads.slice(3).sort()).toEqual([
      'B2C_1A_PasswordReset',
      'B2C_1A_ProfileEdit',
      'B2C_1A_signup_signin',
    ]);
  });

  it('a second run writes nothing and reports every object unchanged', async () => {
    expect((await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS })).code).toBe(
      0,
    );
    const before = t.graph.writes().length;

    const again = await runConnect(t.graph, connectArgs(t.pack, '--yes', '--json'), {
      env: SECRETS,
    });
    expect(again.code).toBe(0);
    expect(t.graph.writes()).toHaveLength(before);
    const plan = planOf(again.stdout);
    expect(plan.steps.filter((s) => s.action !== 'manual').map((s) => s.action)).toEqual(
      plan.steps.filter((s) => s.action !== 'manual').map(() => 'unchanged'),
    );
    expect(plan.steps.length).toBeGreaterThan(12);
    expect(plan.written).toEqual([]);
  });

  it('--dry-run prints the plan and writes nothing to the tenant (secrets from local.settings.json; --out gets the files)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'connect-cwd-'));
    writeFileSync(
      join(cwd, 'local.settings.json'),
      JSON.stringify({ IsEncrypted: false, Values: SECRETS }),
    );
    const run = await runConnect(t.graph, connectArgs(t.pack, '--dry-run', '--out', 'rendered'), {
      cwd,
    });
    expect(run.code).toBe(0);
    expect(t.graph.writes()).toEqual([]);
    expect(readdirSync(join(cwd, 'rendered')).sort()).toEqual([
      'PasswordReset.xml',
      'ProfileEdit.xml',
      'SignUpOrSignin.xml',
      'TrustFrameworkBase.xml',
      'TrustFrameworkExtensions.xml',
      'TrustFrameworkLocalization.xml',
    ]);
    expect(run.stdout).toMatch(
      /create\s+policy key B2C_1A_TokenSigningKeyContainer\s+Generate, RSA, Signature/,
    );
    expect(run.stdout).toMatch(/create\s+policy B2C_1A_TrustFrameworkBase/);
    expect(run.stdout).toMatch(/by hand\s+user-flow step B2C_1_signup preTokenIssuance/);
    expect(run.stdout).toContain('Dry run: nothing written.');
    expect(run.output).not.toContain(SECRETS.BASIC_AUTH_PASSWORD);
  });

  it('--auth certificate uploads the .pfx as a PKCS#12 key and gives the connector the certificate', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'connect-cert-'));
    const pfx = Buffer.from('a PKCS#12 file, as far as the stand-in can tell');
    writeFileSync(join(cwd, 'client.pfx'), pfx);
    const args = connectArgs(
      t.pack,
      '--yes',
      '--auth',
      'certificate',
      '--client-certificate',
      'client.pfx',
    );
    const run = await runConnect(t.graph, args, {
      cwd,
      env: { CLIENT_CERT_PASSWORD: 'pfx-password-123' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const key = keySets(t.graph.store).get('B2C_1A_RestApiClientCertificate');
    expect(key).toMatchObject({
      uploaded: pfx.toString('base64'),
      uploadedPassword: 'pfx-password-123',
    });
    expect([...connectors(t.graph.store).values()][0]?.authenticationConfiguration).toEqual({
      '@odata.type': '#microsoft.graph.pkcs12Certificate',
      pkcs12Value: pfx.toString('base64'),
      password: 'pfx-password-123',
    });
    expect(run.output).not.toContain('pfx-password-123');
  });
});
