/**
 * Finding the IdentityExperienceFramework and ProxyIdentityExperienceFramework app
 * registrations by display name (v1.0 applications, servicePrincipals and
 * oauth2PermissionGrants, each with $filter), with what they already have.
 */
import { SettingError, type GraphClient } from '../graph';

export const APP_PERMISSION =
  'Application.ReadWrite.All (directory role: Application Administrator)';
export const GRANT_PERMISSION =
  'DelegatedPermissionGrant.ReadWrite.All (directory role: Privileged Role Administrator, for admin consent)';
export const IEF = 'IdentityExperienceFramework';
export const PROXY_IEF = 'ProxyIdentityExperienceFramework';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const OPENID = '37f7f235-527c-4136-accd-4a02d197296e';
export const OFFLINE_ACCESS = '7427e0e9-2fba-42fe-b0c0-848c9e6a8182';
export const GRAPH_SCOPES = 'openid offline_access';

export interface Scope {
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
export interface ServicePrincipal {
  readonly id: string;
  readonly appId: string;
}
export interface Grant {
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
