/**
 * `npm run connect -- b2c` when Graph pushes back or the input is incomplete: a 429 is retried
 * after its Retry-After, a 403 names the permission (exit 1, safe to run again), and a missing
 * secret or a base policy that is nowhere stops it with exit 2 before anything is written.
 */
import { describe, expect, it } from 'vitest';
import { keySets, policies } from '../support/graph/b2cRoutes';
import { SECRETS, connectArgs, eachB2cTenant } from '../support/graph/b2cFixture';
import { runConnect } from '../support/graph/runConnect';

const t = eachB2cTenant();

describe('npm run connect -- b2c when Graph pushes back', () => {
  it('retries a policy upload answered 429 after the one second its Retry-After asks for', async () => {
    const uploads = /^\/beta\/trustFramework\/policies\/B2C_1A_TrustFrameworkBase\/\$value$/;
    t.graph.fault({ status: 429, method: 'PUT', path: uploads, retryAfter: '1' });

    const run = await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS });
    expect(run.code).toBe(0);
    const tries = t.graph.requests.filter((r) => r.method === 'PUT' && uploads.test(r.path));
    expect(tries.map((r) => r.status)).toEqual([429, 201]);
    const [first, second] = tries;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(policies(t.graph.store).has('B2C_1A_TrustFrameworkBase')).toBe(true);
  });

  it('retries a 503 (Retry-After: 0) and a 504 (no Retry-After), then carries on', async () => {
    t.graph.fault({ status: 503, method: 'GET', path: /keySets$/, retryAfter: '0' });
    t.graph.fault({ status: 504, method: 'POST', path: /\/v1\.0\/applications$/ });
    const run = await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS });
    expect(run.code).toBe(0);
    const statuses = (pattern: RegExp, method: string) =>
      t.graph.requests
        .filter((r) => r.method === method && pattern.test(r.path))
        .map((r) => r.status);
    expect(statuses(/keySets$/, 'GET')).toEqual([503, 200]);
    expect(statuses(/\/v1\.0\/applications$/, 'POST')).toEqual([504, 201, 201]);
  });

  it('names the missing permission on a 403, says what was written, and exits 1', async () => {
    t.graph.fault({ status: 403, method: 'PUT', path: /\/policies\// });
    const run = await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Microsoft Graph refused PUT /beta/trustFramework/policies/B2C_1A_TrustFrameworkBase/$value (403 Authorization_RequestDenied): the signed-in account needs Policy.ReadWrite.TrustFramework (directory role: B2C IEF Policy Administrator).',
    );
    expect(run.stderr).toContain('Already written: policy key B2C_1A_TokenSigningKeyContainer;');
    expect(run.stderr).toContain('Running the command again is safe');
    expect(policies(t.graph.store).size).toBe(0);

    const again = await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/unchanged\s+policy key B2C_1A_TokenSigningKeyContainer/);
    expect(policies(t.graph.store).size).toBe(6);
  });

  it('names the permission when it cannot even read the tenant', async () => {
    t.graph.fault({ status: 403, method: 'GET', path: /keySets$/ });
    const run = await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('needs TrustFrameworkKeySet.ReadWrite.All');
    expect(run.stderr).toContain('Nothing was written.');
    expect(t.graph.writes()).toEqual([]);
  });
});

describe('npm run connect -- b2c stops before writing', () => {
  it('says how to sign in when no credential gives a token, and exits 1', async () => {
    t.graph.identity.setMode('refuse');
    const run = await runConnect(t.graph, connectArgs(t.pack, '--yes'), { env: SECRETS });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no token for ${t.graph.url}/.default`);
    expect(run.stderr).toContain(
      'az login --tenant <tenant>.onmicrosoft.com --allow-no-subscriptions',
    );
    expect(t.graph.requests).toEqual([]);
  });

  it('exits 2 naming a missing secret, without a single call to Graph', async () => {
    const run = await runConnect(t.graph, connectArgs(t.pack, '--yes'), {
      env: { BASIC_AUTH_USERNAME: SECRETS.BASIC_AUTH_USERNAME },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('BASIC_AUTH_PASSWORD is not set');
    expect(t.graph.requests).toEqual([]);
  });

  it('exits 2 when a base policy is neither among the files nor in the tenant', async () => {
    const run = await runConnect(
      t.graph,
      connectArgs(t.pack, '--yes', '--base-policy', 'B2C_1A_Missing'),
      { env: SECRETS },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'builds on B2C_1A_Missing, which is neither among the files to upload nor in the tenant',
    );
    expect(t.graph.writes()).toEqual([]);
    expect(keySets(t.graph.store).size).toBe(0);
  });

  it('exits 2 for a user flow with an auth kind user-flow connectors do not support', async () => {
    const run = await runConnect(t.graph, connectArgs(t.pack, '--auth', 'apikey'), {
      env: { API_KEY: 'k'.repeat(32) },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--user-flow needs --auth basic or certificate');
    expect(t.graph.requests).toEqual([]);
  });
});
