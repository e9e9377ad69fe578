/**
 * Reads what the tenant holds of everything `connect entra` manages (no writes): the API's app
 * registration found by its identifier URI, its service principal and consent, the extensions
 * found by type and target URL, the listener that calls the token extension, the user flow, the
 * claims-mapping policy found by name, and each --app with its service principal.
 */
import type { EntraEvent } from '../../../shared/dialects/entra/event';
import type { GraphClient } from '../graph';
import { ADVANCED_QUERY, PATHS, PERMISSION } from './calls';
import {
  apiAppName,
  claimsPolicyName,
  EXTENSION_TYPE,
  extensionTargetUrl,
  FLOW_TYPE,
  GRAPH_APP_ID,
  identifierUri,
  identifierUriPrefix,
  LISTENER_TYPE,
  RECEIVE_PAYLOAD,
} from './desired';
import type {
  AppRoleAssignment,
  ClientApp,
  GraphApplication,
  GraphClaimsPolicy,
  GraphExtension,
  GraphFlow,
  GraphListener,
  GraphServicePrincipal,
  TenantSnapshot,
} from './model';
import { NotInTenantError } from './model';
import type { EntraOptions } from './options';

const sameText = (a: string | null | undefined, b: string): boolean =>
  typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

const typeOf = (o: { '@odata.type'?: string }): string =>
  (o['@odata.type'] ?? '').replace(/^#?/, '#');

async function servicePrincipalOf(
  graph: GraphClient,
  appId: string,
): Promise<GraphServicePrincipal | undefined> {
  const found = await graph.list<GraphServicePrincipal>(
    PATHS.servicePrincipalByAppId(appId),
    PERMISSION.applications,
  );
  return found[0];
}

async function graphServicePrincipal(graph: GraphClient): Promise<TenantSnapshot['graphSp']> {
  const sp = await servicePrincipalOf(graph, GRAPH_APP_ID);
  const role = sp?.appRoles?.find((r) => r.value === RECEIVE_PAYLOAD);
  if (sp === undefined || role === undefined) {
    throw new NotInTenantError(
      `Microsoft Graph's service principal (appId ${GRAPH_APP_ID}) with the app role ${RECEIVE_PAYLOAD} is not in this tenant`,
    );
  }
  return { id: sp.id, receivePayloadRoleId: role.id };
}

async function apiApplication(
  graph: GraphClient,
  options: EntraOptions,
): Promise<GraphApplication | undefined> {
  const candidates = await graph.list<GraphApplication>(
    PATHS.applicationsByUriPrefix(identifierUriPrefix(options.host)),
    PERMISSION.applications,
    ADVANCED_QUERY,
  );
  const found = candidates.find((app) =>
    (app.identifierUris ?? []).some((uri) => sameText(uri, identifierUri(options.host, app.appId))),
  );
  if (found !== undefined) return found;
  // One this command created on an earlier run that stopped before its identifier URI was set.
  const named = await graph.list<GraphApplication>(
    PATHS.applicationByName(apiAppName(options)),
    PERMISSION.applications,
  );
  return named.find((app) => (app.identifierUris ?? []).length === 0);
}

async function clientApp(graph: GraphClient, appId: string): Promise<ClientApp> {
  const [app] = await graph.list<GraphApplication>(
    PATHS.applicationByAppId(appId),
    PERMISSION.applications,
  );
  if (app === undefined) {
    throw new NotInTenantError(`--app ${appId}: no application with this appId in the tenant`);
  }
  const sp = await servicePrincipalOf(graph, appId);
  if (sp === undefined) {
    throw new NotInTenantError(
      `--app ${appId}: the application has no service principal in the tenant (create its enterprise application first)`,
    );
  }
  const policies = await graph.list<GraphClaimsPolicy>(
    PATHS.spClaimsPolicies(sp.id),
    PERMISSION.assignPolicy,
  );
  return { appId, app, sp, policies };
}

async function userFlow(graph: GraphClient, id: string): Promise<GraphFlow> {
  const flow = await graph.getJson<GraphFlow>(PATHS.flow(id), PERMISSION.flows);
  if (flow === undefined) {
    throw new NotInTenantError(`--user-flow ${id}: no user flow with this id in the tenant`);
  }
  if (typeOf(flow) !== FLOW_TYPE) {
    throw new NotInTenantError(
      `--user-flow ${id} is a ${flow['@odata.type']}, not a sign-up user flow (${FLOW_TYPE})`,
    );
  }
  return flow;
}

export async function readTenant(
  graph: GraphClient,
  options: EntraOptions,
): Promise<TenantSnapshot> {
  const clients: ClientApp[] = [];
  for (const appId of options.apps) clients.push(await clientApp(graph, appId));
  const flow = options.userFlow === undefined ? undefined : await userFlow(graph, options.userFlow);
  const graphSp = await graphServicePrincipal(graph);

  const apiApp = await apiApplication(graph, options);
  const apiSp = apiApp === undefined ? undefined : await servicePrincipalOf(graph, apiApp.appId);
  const assignments =
    apiSp === undefined
      ? []
      : await graph.list<AppRoleAssignment>(
          PATHS.appRoleAssignments(apiSp.id),
          PERMISSION.appRoleAssignments,
        );
  const consented = assignments.some(
    (a) => a.resourceId === graphSp.id && a.appRoleId === graphSp.receivePayloadRoleId,
  );

  const all = await graph.list<GraphExtension>(PATHS.extensions, PERMISSION.extensions);
  const extensions: Partial<Record<EntraEvent, GraphExtension>> = {};
  for (const event of options.events) {
    extensions[event] = all.find(
      (e) =>
        typeOf(e) === EXTENSION_TYPE[event] &&
        sameText(e.endpointConfiguration?.targetUrl, extensionTargetUrl(options, event)),
    );
  }

  let listener: GraphListener | undefined;
  const tokenExtension = extensions.tokenIssuanceStart;
  if (tokenExtension !== undefined) {
    const listeners = await graph.list<GraphListener>(PATHS.listeners, PERMISSION.listeners);
    listener = listeners.find(
      (l) => typeOf(l) === LISTENER_TYPE && l.handler?.customExtension?.id === tokenExtension.id,
    );
  }

  let claimsPolicy: GraphClaimsPolicy | undefined;
  if (options.events.includes('tokenIssuanceStart')) {
    const policies = await graph.list<GraphClaimsPolicy>(PATHS.claimsPolicies, PERMISSION.policies);
    claimsPolicy = policies.find((p) => p.displayName === claimsPolicyName(options));
  }

  return { graphSp, apiApp, apiSp, consented, extensions, listener, flow, claimsPolicy, clients };
}
