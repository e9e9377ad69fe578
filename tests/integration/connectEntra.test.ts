/**
 * `npm run connect -- entra` against the Graph stand-in: an empty tenant gets everything, a
 * second run writes nothing, --dry-run writes nothing, a missing --app exits 2 naming it, Graph's
 * validation errors exit 1 with its message, a refusal names the permission.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applications, servicePrincipals } from '../support/graph/directoryRoutes';
import {
  addClientApp,
  RECEIVE_PAYLOAD_ROLE_ID,
  roleAssignments,
} from '../support/graph/entraDirectoryRoutes';
import { claimsPolicies, policyAssignments } from '../support/graph/entraPolicyRoutes';
import { flows, listeners } from '../support/graph/entraFlowRoutes';
import { extensions } from '../support/graph/entraRoutes';
import {
  API_BASE_URL,
  ENTRA_TENANT_ID,
  printedSettings,
  startEntraTenant,
  type EntraTenant,
} from '../support/graph/entraTenant';

const HOST = new URL(API_BASE_URL).host;
let tenant: EntraTenant | undefined;

afterEach(async () => {
  await tenant?.graph.close();
  tenant = undefined;
});

async function connected(extra: readonly string[] = []) {
  tenant = await startEntraTenant();
  const run = await tenant.connect(['--yes', ...extra]);
  expect(run.code, run.output).toBe(0);
  return { tenant, run };
}

describe('connect entra on an empty tenant', () => {
  it('registers the API app with its identifier URI, token version 2, the permission and consent', async () => {
    const { tenant } = await connected();
    const store = tenant.graph.store;
    const api = [...applications(store).values()].find((a) => String(a.displayName).includes(HOST));
    expect(api?.identifierUris).toEqual([`api://${HOST}/${String(api?.appId)}`]);
    expect(api?.api).toMatchObject({ requestedAccessTokenVersion: 2 });
    expect(api?.requiredResourceAccess).toEqual([
      {
        resourceAppId: '00000003-0000-0000-c000-000000000000',
        resourceAccess: [{ id: RECEIVE_PAYLOAD_ROLE_ID, type: 'Role' }],
      },
    ]);
    const sp = [...servicePrincipals(store).values()].find((p) => p.appId === api?.appId);
    expect([...roleAssignments(store).values()]).toEqual([
      expect.objectContaining({ principalId: sp?.id, appRoleId: RECEIVE_PAYLOAD_ROLE_ID }),
    ]);
  });

  it('creates one extension per event, the listener, the user-flow handlers and the claims mapping', async () => {
    const { tenant, run } = await connected();
    const store = tenant.graph.store;
    const api = [...applications(store).values()].find((a) => a.displayName !== 'Contoso web shop');
    const resourceId = `api://${HOST}/${String(api?.appId)}`;
    const all = [...extensions(store).values()];
    expect(all.map((e) => [e['@odata.type'], e.endpointConfiguration]).sort()).toEqual(
      [
        [
          '#microsoft.graph.onAttributeCollectionStartCustomExtension',
          `${API_BASE_URL}/api/ValidateProfile`,
        ],
        [
          '#microsoft.graph.onAttributeCollectionSubmitCustomExtension',
          `${API_BASE_URL}/api/ValidateProfile`,
        ],
        ['#microsoft.graph.onTokenIssuanceStartCustomExtension', `${API_BASE_URL}/api/EnrichToken`],
      ].map(([type, targetUrl]) => [
        type,
        { '@odata.type': '#microsoft.graph.httpRequestEndpoint', targetUrl },
      ]),
    );
    for (const extension of all) {
      expect(extension.authenticationConfiguration).toEqual({
        '@odata.type': '#microsoft.graph.azureAdTokenAuthentication',
        resourceId,
      });
      expect(extension.clientConfiguration).toEqual({
        timeoutInMilliseconds: 2000,
        maximumRetries: 1,
      });
    }
    const token = all.find((e) => e['@odata.type'].includes('TokenIssuance'));
    expect(token?.claimsForTokenConfiguration).toEqual([
      { claimIdInApiResponse: 'balance' },
      { claimIdInApiResponse: 'loyaltyId' },
      { claimIdInApiResponse: 'promoCode' },
    ]);
    expect([...listeners(store).values()]).toEqual([
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.onTokenIssuanceStartListener',
        conditions: { applications: { includeApplications: [{ appId: tenant.clientAppId }] } },
        handler: expect.objectContaining({
          customExtension: expect.objectContaining({ id: token?.id }),
        }),
      }),
    ]);
    const flow = flows(store).get(tenant.userFlowId);
    expect(flow?.onAttributeCollectionStart).toMatchObject({
      '@odata.type': '#microsoft.graph.onAttributeCollectionStartCustomExtensionHandler',
    });
    expect(flow?.onAttributeCollectionSubmit).toMatchObject({
      '@odata.type': '#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler',
    });
    const [policy] = [...claimsPolicies(store).values()];
    expect(JSON.parse(String((policy?.definition as string[])[0]))).toEqual({
      ClaimsMappingPolicy: {
        Version: 1,
        IncludeBasicClaimSet: 'true',
        ClaimsSchema: ['balance', 'loyaltyId', 'promoCode'].map((c) => ({
          Source: 'CustomClaimsProvider',
          ID: c,
          JwtClaimType: c,
        })),
      },
    });
    expect(policyAssignments(store).get(tenant.clientSpId)).toEqual([policy?.id]);
    expect(run.stdout).toMatch(/by hand\s+acceptMappedClaims Contoso web shop/);
    expect(printedSettings(run.stdout)).toEqual({
      API_AUTH: 'entra',
      ENTRA_TENANT_ID,
      ENTRA_API_APP_ID: String(api?.appId),
      ENTRA_REQUEST_BUDGET_MS: '1500',
      FUNCTIONS_AUTH_LEVEL: 'anonymous',
    });
  });

  it('with --accept-mapped-claims sets api.acceptMappedClaims on the --app and keeps the rest of its api', async () => {
    const { tenant } = await connected(['--accept-mapped-claims', '--timeout-ms', '1000']);
    const client = [...applications(tenant.graph.store).values()].find(
      (a) => a.appId === tenant.clientAppId,
    );
    expect(client?.api).toEqual({
      oauth2PermissionScopes: [],
      requestedAccessTokenVersion: 2,
      acceptMappedClaims: true,
    });
    const timeouts = [...extensions(tenant.graph.store).values()].map(
      (e) => (e.clientConfiguration as { timeoutInMilliseconds: number }).timeoutInMilliseconds,
    );
    expect(timeouts).toEqual([1000, 1000, 1000]);
  });
});

describe('connect entra run again', () => {
  it('writes nothing and prints the same settings', async () => {
    const { tenant, run: first } = await connected(['--accept-mapped-claims']);
    const before = tenant.writes().length;
    const second = await tenant.connect(['--yes', '--accept-mapped-claims']);
    expect(second.code, second.output).toBe(0);
    expect(tenant.writes()).toHaveLength(before);
    expect(second.stdout).toContain('Nothing to change.');
    expect(second.stdout).not.toMatch(/^\s+(create|update)\s/m);
    expect(printedSettings(second.stdout)).toEqual(printedSettings(first.stdout));
  });
});

describe('connect entra on a tenant set up by hand', () => {
  it('warns what Graph finds on a dry run, then updates what it found, in place, keeping the rest', async () => {
    tenant = await startEntraTenant();
    const store = tenant.graph.store;
    const { app } = addClientApp(store, 'Azure Functions authentication events API', {
      requestedAccessTokenVersion: null,
      oauth2PermissionScopes: [{ id: 'scope-1', value: 'user_impersonation' }],
    });
    const resourceId = `api://${HOST}/${String(app.appId)}`;
    app.identifierUris = [resourceId];
    extensions(store).set('by-hand', {
      id: 'by-hand',
      '@odata.type': '#microsoft.graph.onTokenIssuanceStartCustomExtension',
      displayName: 'Loyalty claims',
      endpointConfiguration: {
        '@odata.type': '#microsoft.graph.httpRequestEndpoint',
        targetUrl: `${API_BASE_URL}/api/EnrichToken`,
      },
      authenticationConfiguration: {
        '@odata.type': '#microsoft.graph.azureAdTokenAuthentication',
        resourceId,
      },
      clientConfiguration: { timeoutInMilliseconds: 1000, maximumRetries: 1 },
      claimsForTokenConfiguration: [{ claimIdInApiResponse: 'balance' }],
    });
    const dryRun = await tenant.connect(['--dry-run']);
    expect(dryRun.code, dryRun.output).toBe(0);
    expect(dryRun.stderr).toContain(
      'Warning: Extension tokenIssuanceStart: PermissionNotGrantedToServicePrincipal',
    );
    const run = await tenant.connect(['--yes']);
    expect(run.code, run.output).toBe(0);
    expect(run.stderr).not.toContain('Warning');
    expect(run.stdout).toMatch(
      /update\s+app registration .*token version default → 2; adds the permission/,
    );
    expect(run.stdout).toMatch(/update\s+extension tokenIssuanceStart .*timeout 1000 ms/);
    expect(applications(store).get(app.id)?.api).toEqual({
      requestedAccessTokenVersion: 2,
      oauth2PermissionScopes: [{ id: 'scope-1', value: 'user_impersonation' }],
    });
    const updated = extensions(store).get('by-hand');
    expect(updated).toMatchObject({
      displayName: 'Loyalty claims',
      clientConfiguration: { timeoutInMilliseconds: 2000, maximumRetries: 1 },
    });
    expect(extensions(store).size).toBe(3);
    expect(printedSettings(run.stdout).ENTRA_API_APP_ID).toBe(app.appId);
  });
});

describe('connect entra --dry-run', () => {
  it('prints the plan and writes nothing', async () => {
    tenant = await startEntraTenant();
    const run = await tenant.connect(['--dry-run']);
    expect(run.code, run.output).toBe(0);
    expect(tenant.writes()).toEqual([]);
    expect(run.stdout).toMatch(/create\s+app registration b2c-claims-api/);
    expect(run.stdout).toMatch(/create\s+extension tokenIssuanceStart/);
    expect(run.stdout).toContain('Dry run: nothing written.');
  });

  it('with --json gives the plan, the validation and the settings as one document', async () => {
    tenant = await startEntraTenant();
    const run = await tenant.connect(['--dry-run', '--json']);
    expect(run.code, run.output).toBe(0);
    const document = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({
      applied: false,
      dryRun: true,
      settings: { API_AUTH: 'entra', ENTRA_TENANT_ID, ENTRA_REQUEST_BUDGET_MS: '1500' },
    });
    expect(document.steps).toContainEqual(
      expect.objectContaining({
        kind: 'extension',
        name: 'attributeCollectionSubmit',
        action: 'create',
      }),
    );
  });
});

describe('connect entra refuses', () => {
  it('an --app the tenant does not have: exit 2 naming it, nothing written', async () => {
    tenant = await startEntraTenant();
    const missing = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const run = await tenant.connect(['--yes', '--app', missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--app ${missing}: no application with this appId`);
    expect(tenant.writes()).toEqual([]);
  });

  it('a user flow the tenant does not have: exit 2 naming it', async () => {
    tenant = await startEntraTenant();
    const run = await tenant.connect(['--yes', '--user-flow', 'no-such-flow']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--user-flow no-such-flow: no user flow with this id');
  });

  it("an extension Graph finds invalid: exit 1 with Graph's message", async () => {
    tenant = await startEntraTenant();
    const run = await tenant.connect(['--yes'], `${API_BASE_URL}:8443`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "IncorrectResourceIdFormat: ResourceId should be in the format of 'api://{fully qualified domain name}/{appid}'",
    );
    expect(printedSettings(run.stdout)).toEqual({});
  });

  it('a refused call names the permission it needs, and the next run carries on from there', async () => {
    tenant = await startEntraTenant();
    tenant.graph.fault({ status: 403, method: 'PATCH', path: /^\/v1\.0\/applications\// });
    const refused = await tenant.connect(['--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the signed-in account needs Application.ReadWrite.All');
    expect(refused.stderr).toContain('Running the command again is safe');
    const again = await tenant.connect(['--yes']);
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toMatch(/update\s+app registration .*adds the identifier URI/);
    expect(applications(tenant.graph.store).size).toBe(2);
  });
});
