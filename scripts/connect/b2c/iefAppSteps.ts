/**
 * The IdentityExperienceFramework and ProxyIdentityExperienceFramework app registrations, as
 * Microsoft's custom-policy tutorial registers them ("Register Identity Experience Framework
 * applications"): the first a web app exposing the `user_impersonation` scope, the second a
 * public client granted that scope; both with openid and offline_access, and admin consent
 * (delegated permission grants for all principals). What is there is left alone; what is
 * missing is added.
 */
import { randomUUID } from 'node:crypto';
import type { GraphClient } from '../graph';
import type { PlanStep } from '../plan';
import {
  APP_PERMISSION,
  GRANT_PERMISSION,
  GRAPH_APP_ID,
  GRAPH_SCOPES,
  IEF,
  OFFLINE_ACCESS,
  OPENID,
  PROXY_IEF,
  type Application,
  type FoundApp,
  type IefFound,
  type IefIds,
} from './iefApps';

const graphAccess = {
  resourceAppId: GRAPH_APP_ID,
  resourceAccess: [
    { id: OPENID, type: 'Scope' },
    { id: OFFLINE_ACCESS, type: 'Scope' },
  ],
};

/** The scope the tutorial adds under "Expose an API". */
const userImpersonation = (id: string) => ({
  id,
  value: 'user_impersonation',
  type: 'Admin',
  isEnabled: true,
  adminConsentDisplayName: `Access ${IEF}`,
  adminConsentDescription: `Allow the application to access ${IEF} on behalf of the signed-in user.`,
});

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

  /** Admin consent (a grant for all principals) of client to scope on resource, if missing. */
  const consent = (
    parts: Part[],
    client: FoundApp,
    clientId: () => string | undefined,
    resourceNow: string | undefined,
    resourceId: () => string | undefined,
    scope: string,
  ): void => {
    if (hasGrant(client, resourceNow, scope)) return;
    parts.push({
      what: `admin consent to ${scope.split(' ').join(' and ')}`,
      make: () =>
        grant(
          () => clientId() ?? '',
          () => resourceId() ?? '',
          scope,
        ).then(() => undefined),
    });
  };

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
            oauth2PermissionScopes: [userImpersonation(scopeId)],
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
              oauth2PermissionScopes: [...current, userImpersonation(scopeId)],
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
  consent(
    iefParts,
    ief,
    () => iefSp,
    found.graphPrincipal.id,
    () => found.graphPrincipal.id,
    GRAPH_SCOPES,
  );

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
  consent(
    proxyParts,
    proxy,
    () => proxySp,
    ief.principal?.id,
    () => iefSp,
    'user_impersonation',
  );
  consent(
    proxyParts,
    proxy,
    () => proxySp,
    found.graphPrincipal.id,
    () => found.graphPrincipal.id,
    GRAPH_SCOPES,
  );

  const step = (name: string, app: FoundApp, parts: Part[]): PlanStep => ({
    ...describe(name, app, parts),
    apply: async () => {
      for (const part of parts) await part.make();
    },
  });
  return [step(IEF, ief, iefParts), step(PROXY_IEF, proxy, proxyParts)];
}
