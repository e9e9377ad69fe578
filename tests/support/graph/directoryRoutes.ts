/**
 * Stand-in routes for the directory objects both connect commands use, as Microsoft's v1.0
 * reference pages describe them: applications (application-post-applications, application-list
 * with $filter, application-update), service principals (serviceprincipal-post-serviceprincipals,
 * serviceprincipal-list with $filter) and delegated permission grants (oauth2permissiongrant-post,
 * oauth2permissiongrant-list with $filter). Microsoft Graph's own service principal is there
 * from the start, with its openid and offline_access scopes.
 */
import { randomUUID } from 'node:crypto';
import {
  GraphFault,
  requireProperties,
  type GraphRequest,
  type GraphStore,
  type RouteModule,
} from './standIn';

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const OPENID_SCOPE_ID = '37f7f235-527c-4136-accd-4a02d197296e';
export const OFFLINE_ACCESS_SCOPE_ID = '7427e0e9-2fba-42fe-b0c0-848c9e6a8182';

export type DirectoryObject = Record<string, unknown> & { id: string };

export const applications = (store: GraphStore): Map<string, DirectoryObject> =>
  store.collection<DirectoryObject>('applications');
export const servicePrincipals = (store: GraphStore): Map<string, DirectoryObject> =>
  store.collection<DirectoryObject>('servicePrincipals');
export const permissionGrants = (store: GraphStore): Map<string, DirectoryObject> =>
  store.collection<DirectoryObject>('oauth2PermissionGrants');

/** `$filter=name eq 'value'` (the only form the commands use); anything else is refused. */
function filterOf(request: GraphRequest, allowed: readonly string[]): [string, string] | undefined {
  const filter = request.query.get('$filter');
  if (filter === null) return undefined;
  const clauses = filter.split(' and ').map((c) => /^(\w+) eq '([^']*)'$/.exec(c.trim()));
  if (clauses.length !== 1 || clauses[0] === null || clauses[0] === undefined) {
    throw new GraphFault(400, 'Request_UnsupportedQuery', `Unsupported $filter: ${filter}`);
  }
  const [, name = '', value = ''] = clauses[0];
  if (!allowed.includes(name)) {
    throw new GraphFault(400, 'Request_UnsupportedQuery', `Cannot filter on ${name}.`);
  }
  return [name, value];
}

function listed(request: GraphRequest, items: Iterable<DirectoryObject>, allowed: string[]) {
  const filter = filterOf(request, allowed);
  const value = [...items].filter((item) => filter === undefined || item[filter[0]] === filter[1]);
  return { status: 200, json: { value } };
}

function requireGuid(body: Record<string, unknown>, name: string): void {
  requireProperties(body, [name]);
  if (typeof body[name] !== 'string' || !/^[0-9a-f-]{36}$/i.test(body[name])) {
    throw new GraphFault(400, 'Request_BadRequest', `'${name}' is not a GUID.`);
  }
}

export const directoryRoutes: RouteModule = (store) => {
  const apps = applications(store);
  const principals = servicePrincipals(store);
  const grants = permissionGrants(store);
  const graphSp: DirectoryObject = {
    id: randomUUID(),
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    oauth2PermissionScopes: [
      { id: OPENID_SCOPE_ID, value: 'openid', type: 'User', isEnabled: true },
      { id: OFFLINE_ACCESS_SCOPE_ID, value: 'offline_access', type: 'User', isEnabled: true },
    ],
  };
  principals.set(graphSp.id, graphSp);

  return [
    {
      method: 'GET',
      path: '/v1.0/applications',
      handle: (request) => listed(request, apps.values(), ['displayName', 'appId']),
    },
    {
      method: 'POST',
      path: '/v1.0/applications',
      handle(request) {
        const body = request.json();
        requireProperties(body, ['displayName']);
        const app: DirectoryObject = { ...body, id: randomUUID(), appId: randomUUID() };
        apps.set(app.id, app);
        return { status: 201, json: app };
      },
    },
    {
      method: 'GET',
      path: '/v1.0/applications/{id}',
      handle(_request, { id = '' }) {
        const app = apps.get(id);
        if (app === undefined)
          throw new GraphFault(404, 'Request_ResourceNotFound', `No application ${id}.`);
        return { status: 200, json: app };
      },
    },
    {
      method: 'PATCH',
      path: '/v1.0/applications/{id}',
      handle(request, { id = '' }) {
        const app = apps.get(id);
        if (app === undefined)
          throw new GraphFault(404, 'Request_ResourceNotFound', `No application ${id}.`);
        const body = request.json();
        if ('id' in body || 'appId' in body) {
          throw new GraphFault(400, 'Request_BadRequest', 'id and appId are read-only.');
        }
        apps.set(id, { ...app, ...body });
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/v1.0/servicePrincipals',
      handle: (request) => listed(request, principals.values(), ['appId', 'displayName']),
    },
    {
      method: 'POST',
      path: '/v1.0/servicePrincipals',
      handle(request) {
        const body = request.json();
        requireGuid(body, 'appId');
        const app = [...apps.values()].find((a) => a.appId === body.appId);
        if (app === undefined) {
          throw new GraphFault(
            400,
            'Request_BadRequest',
            `No application with appId ${String(body.appId)}.`,
          );
        }
        if ([...principals.values()].some((p) => p.appId === body.appId)) {
          throw new GraphFault(
            409,
            'Request_MultipleObjectsWithSameKeyValue',
            'The service principal exists.',
          );
        }
        const api = app.api as { oauth2PermissionScopes?: unknown[] } | undefined;
        const sp: DirectoryObject = {
          id: randomUUID(),
          appId: body.appId,
          displayName: app.displayName,
          oauth2PermissionScopes: api?.oauth2PermissionScopes ?? [],
        };
        principals.set(sp.id, sp);
        return { status: 201, json: sp };
      },
    },
    {
      method: 'GET',
      path: '/v1.0/oauth2PermissionGrants',
      handle: (request) => listed(request, grants.values(), ['clientId', 'resourceId']),
    },
    {
      method: 'POST',
      path: '/v1.0/oauth2PermissionGrants',
      handle(request) {
        const body = request.json();
        requireGuid(body, 'clientId');
        requireGuid(body, 'resourceId');
        requireProperties(body, ['consentType', 'scope']);
        if (body.consentType !== 'AllPrincipals' && body.consentType !== 'Principal') {
          throw new GraphFault(
            400,
            'Request_BadRequest',
            "consentType must be 'AllPrincipals' or 'Principal'.",
          );
        }
        if (body.consentType === 'Principal') requireGuid(body, 'principalId');
        const resource = principals.get(String(body.resourceId));
        if (!principals.has(String(body.clientId)) || resource === undefined) {
          throw new GraphFault(
            400,
            'Request_BadRequest',
            'clientId and resourceId must be service principal ids.',
          );
        }
        // The scopes the resource's app exposes now (a service principal follows its app).
        const app = [...apps.values()].find((a) => a.appId === resource.appId);
        const scopes = (app?.api as { oauth2PermissionScopes?: unknown[] } | undefined)
          ?.oauth2PermissionScopes;
        const known = new Set(
          ((scopes ?? resource.oauth2PermissionScopes ?? []) as { value?: string }[]).map(
            (s) => s.value,
          ),
        );
        for (const scope of String(body.scope).split(' ').filter(Boolean)) {
          if (!known.has(scope)) {
            throw new GraphFault(
              400,
              'Request_BadRequest',
              `${String(resource.displayName)} has no scope ${scope}.`,
            );
          }
        }
        const grant: DirectoryObject = { ...body, id: randomUUID() };
        grants.set(grant.id, grant);
        return { status: 201, json: grant };
      },
    },
  ];
};
