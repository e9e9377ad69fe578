/**
 * The IdentityExperienceFramework and ProxyIdentityExperienceFramework app registrations, as
 * Microsoft's custom-policy tutorial registers them ("Register Identity Experience Framework
 * applications"), found by display name: the first a web app exposing the `user_impersonation`
 * scope, the second a public client granted that scope; both with openid and offline_access, and
 * admin consent (delegated permission grants for all principals). What is there is left alone;
 * what is missing is added.
 */
import { randomUUID } from 'node:crypto';
import type { GraphClient } from '../graph';
import type { PlanStep } from '../plan';
import { SettingError } from '../graph';

export const APP_PERMISSION = 'Application.ReadWrite.All';
export const GRANT_PERMISSION = 'DelegatedPermissionGrant.ReadWrite.All';
export const IEF = 'IdentityExperienceFramework';
export const PROXY_IEF = 'ProxyIdentityExperienceFramework';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const OPENID = '37f7f235-527c-4136-accd-4a02d197296e';
const OFFLINE_ACCESS = '7427e0e9-2fba-42fe-b0c0-848c9e6a8182';
const GRAPH_SCOPES = 'openid offline_access';

interface Scope {
  readonly id: string;
  readonly value: string;
}
export interface Application {
  readonly id: string;
  readonly appId: string;
  readonly displayName?: string;
  readonly identifierUris?: readonly string[];
  readonly api?: { readonly oauth2PermissionScopes?: readonly Scope[] };
}
interface ServicePrincipal {
  readonly id: string;
  readonly appId: string;
}
interface Grant {
  readonly clientId: string;
  readonly resourceId: string;
  readonly consentType: string;
  readonly scope?: string;
}

/** What exists of one app registration. */
export interface FoundApp {
  readonly app?: Application | undefined;
  readonly principal?: ServicePrincipal | undefined;
  readonly grants: readonly Grant[];
}

/** What the apply steps learn: the app ids the policies need. */
export interface IefIds {
  iefAppId?: string;
  proxyAppId?: string;
  iefScopeId?: string;
  iefPrincipalId?: string;
}

const filter = (path: string, expression: string): string =>
  `${path}?$filter=${encodeURIComponent(expression)}`;

async function findApp(graph: GraphClient, displayName: string): Promise<FoundApp> {
  const apps = await graph.list<Application>(
    filter('/v1.0/applications', `displayName eq '${displayName}'`),
    APP_PERMISSION,
  );
  if (apps.length > 1) {
    throw new SettingError(
      `${apps.length} app registrations are named ${displayName}: keep one (the one your policies use) and run again`,
    );
  }
  const app = apps[0];
  if (app === undefined) return { grants: [] };
  const principal = await findPrincipal(graph, app.appId);
  const grants =
    principal === undefined
      ? []
      : await graph.list<Grant>(
          filter('/v1.0/oauth2PermissionGrants', `clientId eq '${principal.id}'`),
          GRANT_PERMISSION,
        );
  return { app, principal, grants };
}

async function findPrincipal(
  graph: GraphClient,
  appId: string,
): Promise<ServicePrincipal | undefined> {
  const found = await graph.list<ServicePrincipal>(
    filter('/v1.0/servicePrincipals', `appId eq '${appId}'`),
    APP_PERMISSION,
  );
  return found[0];
}

export interface IefFound {
  readonly ief: FoundApp;
  readonly proxy: FoundApp;
  readonly graphPrincipal: ServicePrincipal;
}

export async function findIefApps(graph: GraphClient): Promise<IefFound> {
  const graphPrincipal = await findPrincipal(graph, GRAPH_APP_ID);
  if (graphPrincipal === undefined) {
    throw new SettingError(
      'the tenant has no service principal for Microsoft Graph (appId 00000003-…): is this a B2C tenant?',
    );
  }
  return { ief: await findApp(graph, IEF), proxy: await findApp(graph, PROXY_IEF), graphPrincipal };
}

const graphAccess = {
  resourceAppId: GRAPH_APP_ID,
  resourceAccess: [
    { id: OPENID, type: 'Scope' },
    { id: OFFLINE_ACCESS, type: 'Scope' },
  ],
};

const hasGrant = (found: FoundApp, resourceId: string | undefined, scope: string): boolean =>
  found.grants.some(
    (g) =>
      g.resourceId === resourceId &&
      g.consentType === 'AllPrincipals' &&
      scope.split(' ').every((s) => (g.scope ?? '').split(' ').includes(s)),
  );

/** The parts of one app that are missing, in the order they are made. */
interface Part {
  readonly what: string;
  readonly make: () => Promise<void>;
}

function describe(name: string, found: FoundApp, parts: readonly Part[]): Omit<PlanStep, 'apply'> {
  if (parts.length === 0) {
    return {
      kind: 'application',
      name,
      action: 'unchanged',
      why: `found (appId ${found.app?.appId ?? ''})`,
    };
  }
  return {
    kind: 'application',
    name,
    action: found.app === undefined ? 'create' : 'update',
    why:
      found.app === undefined
        ? parts.map((p) => p.what).join(', ')
        : `adds ${parts.map((p) => p.what).join(', ')}`,
  };
}

export function iefAppSteps(
  graph: GraphClient,
  tenant: string,
  found: IefFound,
  ids: IefIds,
): PlanStep[] {
  const post = async (path: string, json: unknown): Promise<Record<string, unknown>> =>
    (
      await graph.send({
        method: 'POST',
        path,
        permission: path.includes('Grant') ? GRANT_PERMISSION : APP_PERMISSION,
        json,
      })
    ).json<Record<string, unknown>>() ?? {};
  const grant = (clientId: () => string, resourceId: () => string, scope: string) =>
    post('/v1.0/oauth2PermissionGrants', {
      clientId: clientId(),
      consentType: 'AllPrincipals',
      resourceId: resourceId(),
      scope,
    });

  // IdentityExperienceFramework
  const ief = found.ief;
  let iefApp = ief.app;
  let iefSp = ief.principal?.id;
  const existingScope = iefApp?.api?.oauth2PermissionScopes?.find(
    (s) => s.value === 'user_impersonation',
  );
  ids.iefAppId = iefApp?.appId;
  ids.iefScopeId = existingScope?.id;
  ids.iefPrincipalId = iefSp;
  const iefParts: Part[] = [];
  if (iefApp === undefined) {
    iefParts.push({
      what: 'web app exposing user_impersonation',
      make: async () => {
        const scopeId = randomUUID();
        const created = (await post('/v1.0/applications', {
          displayName: IEF,
          signInAudience: 'AzureADMyOrg',
          web: { redirectUris: [`https://${tenant}.b2clogin.com/${tenant}.onmicrosoft.com`] },
          api: {
            oauth2PermissionScopes: [
              {
                id: scopeId,
                value: 'user_impersonation',
                type: 'Admin',
                isEnabled: true,
                adminConsentDisplayName: `Access ${IEF}`,
                adminConsentDescription: `Allow the application to access ${IEF} on behalf of the signed-in user.`,
              },
            ],
          },
          requiredResourceAccess: [graphAccess],
        })) as unknown as Application;
        iefApp = created;
        ids.iefAppId = created.appId;
        ids.iefScopeId = scopeId;
        await graph.send({
          method: 'PATCH',
          path: `/v1.0/applications/${created.id}`,
          permission: APP_PERMISSION,
          json: { identifierUris: [`https://${tenant}.onmicrosoft.com/${created.appId}`] },
        });
      },
    });
  } else if (existingScope === undefined) {
    iefParts.push({
      what: 'the user_impersonation scope',
      make: async () => {
        const scopeId = randomUUID();
        const current = iefApp?.api?.oauth2PermissionScopes ?? [];
        await graph.send({
          method: 'PATCH',
          path: `/v1.0/applications/${iefApp?.id ?? ''}`,
          permission: APP_PERMISSION,
          json: {
            api: {
              oauth2PermissionScopes: [
                ...current,
                {
                  id: scopeId,
                  value: 'user_impersonation',
                  type: 'Admin',
                  isEnabled: true,
                  adminConsentDisplayName: `Access ${IEF}`,
                  adminConsentDescription: `Allow the application to access ${IEF} on behalf of the signed-in user.`,
                },
              ],
            },
          },
        });
        ids.iefScopeId = scopeId;
      },
    });
  }
  if (iefSp === undefined) {
    iefParts.push({
      what: 'its service principal',
      make: async () => {
        iefSp = String((await post('/v1.0/servicePrincipals', { appId: ids.iefAppId }))['id']);
        ids.iefPrincipalId = iefSp;
      },
    });
  }
  if (!hasGrant(ief, found.graphPrincipal.id, GRAPH_SCOPES)) {
    iefParts.push({
      what: 'admin consent to openid and offline_access',
      make: () =>
        grant(
          () => iefSp ?? '',
          () => found.graphPrincipal.id,
          GRAPH_SCOPES,
        ).then(() => undefined),
    });
  }

  // ProxyIdentityExperienceFramework
  const proxy = found.proxy;
  let proxySp = proxy.principal?.id;
  ids.proxyAppId = proxy.app?.appId;
  const proxyParts: Part[] = [];
  if (proxy.app === undefined) {
    proxyParts.push({
      what: `public client granted ${IEF}'s user_impersonation`,
      make: async () => {
        const created = (await post('/v1.0/applications', {
          displayName: PROXY_IEF,
          signInAudience: 'AzureADMyOrg',
          publicClient: { redirectUris: ['myapp://auth'] },
          isFallbackPublicClient: true,
          requiredResourceAccess: [
            {
              resourceAppId: ids.iefAppId,
              resourceAccess: [{ id: ids.iefScopeId, type: 'Scope' }],
            },
            graphAccess,
          ],
        })) as unknown as Application;
        ids.proxyAppId = created.appId;
      },
    });
  }
  if (proxySp === undefined) {
    proxyParts.push({
      what: 'its service principal',
      make: async () => {
        proxySp = String((await post('/v1.0/servicePrincipals', { appId: ids.proxyAppId }))['id']);
      },
    });
  }
  if (!hasGrant(proxy, ief.principal?.id, 'user_impersonation')) {
    proxyParts.push({
      what: 'admin consent to user_impersonation',
      make: () =>
        grant(
          () => proxySp ?? '',
          () => iefSp ?? '',
          'user_impersonation',
        ).then(() => undefined),
    });
  }
  if (!hasGrant(proxy, found.graphPrincipal.id, GRAPH_SCOPES)) {
    proxyParts.push({
      what: 'admin consent to openid and offline_access',
      make: () =>
        grant(
          () => proxySp ?? '',
          () => found.graphPrincipal.id,
          GRAPH_SCOPES,
        ).then(() => undefined),
    });
  }

  const step = (name: string, app: FoundApp, parts: Part[]): PlanStep => ({
    ...describe(name, app, parts),
    apply: async () => {
      for (const part of parts) await part.make();
    },
  });
  return [step(IEF, ief, iefParts), step(PROXY_IEF, proxy, proxyParts)];
}
