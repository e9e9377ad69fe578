/**
 * What `connect entra` needs of the directory beyond directoryRoutes.ts, as Microsoft's v1.0
 * reference pages describe it: applications found by identifier URI (application-list,
 * `identifierUris/any(x:startswith(x,'…'))`) and identifier URIs checked on update
 * (application-update: api://… ending with the app's own appId, unique in the tenant); app role
 * assignments (serviceprincipal-list-/post-approleassignments). Microsoft Graph's service
 * principal gets its CustomAuthenticationExtension.Receive.Payload app role. Claims-mapping
 * policies: entraPolicyRoutes.ts. Routes here come first, so they answer before directoryRoutes'.
 */
import { randomUUID } from 'node:crypto';
import {
  applications,
  directoryRoutes,
  GRAPH_APP_ID,
  servicePrincipals,
  type DirectoryObject,
} from './directoryRoutes';
import {
  GraphFault,
  requireProperties,
  type GraphRequest,
  type GraphStore,
  type Route,
  type RouteModule,
} from './standIn';

/** The id of Graph's app role CustomAuthenticationExtension.Receive.Payload. */
export const RECEIVE_PAYLOAD_ROLE_ID = '214e810f-fda8-4fd7-a475-29461495eb00';

export const roleAssignments = (store: GraphStore): Map<string, DirectoryObject> =>
  store.collection<DirectoryObject>('appRoleAssignments');
export const bad = (message: string): GraphFault =>
  new GraphFault(400, 'Request_BadRequest', message);

export function byId<T>(items: Map<string, T>, id: string, what: string): T {
  const item = items.get(id);
  if (item === undefined)
    throw new GraphFault(404, 'Request_ResourceNotFound', `No ${what} ${id}.`);
  return item;
}

/** The list (GET) and create (POST, 201 with the object) routes of one collection. */
export function collectionRoutes<T extends { id: string }>(
  path: string,
  items: Map<string, T>,
  create: (request: GraphRequest) => T,
): Route[] {
  return [
    { method: 'GET', path, handle: () => ({ status: 200, json: { value: [...items.values()] } }) },
    {
      method: 'POST',
      path,
      handle(request) {
        const item = create(request);
        items.set(item.id, item);
        return { status: 201, json: item };
      },
    },
  ];
}

/** A client application with its service principal, as the admin center registers one. */
export function addClientApp(
  store: GraphStore,
  displayName: string,
  api: Record<string, unknown> = {},
): { app: DirectoryObject; sp: DirectoryObject } {
  const app: DirectoryObject = {
    id: randomUUID(),
    appId: randomUUID(),
    displayName,
    identifierUris: [],
    api,
  };
  const sp: DirectoryObject = { id: randomUUID(), appId: app.appId, displayName };
  applications(store).set(app.id, app);
  servicePrincipals(store).set(sp.id, sp);
  return { app, sp };
}

/** The filters application-list takes here: appId/displayName eq, identifierUris startswith. */
function listApplications(request: GraphRequest, apps: Iterable<DirectoryObject>) {
  const filter = request.query.get('$filter');
  let keep: (app: DirectoryObject) => boolean = () => true;
  if (filter !== null) {
    const eq = /^(appId|displayName) eq '((?:[^']|'')*)'$/.exec(filter);
    const prefix = /^identifierUris\/any\(x:startswith\(x,'((?:[^']|'')*)'\)\)$/.exec(filter);
    if (eq !== null) keep = (app) => app[eq[1] ?? ''] === (eq[2] ?? '').replace(/''/g, "'");
    else if (prefix !== null) {
      if (
        request.headers.consistencylevel !== 'eventual' ||
        request.query.get('$count') !== 'true'
      ) {
        throw new GraphFault(
          400,
          'Request_UnsupportedQuery',
          'Operator: startsWith on identifierUris is an advanced query: it needs ConsistencyLevel: eventual and $count=true.',
        );
      }
      const start = (prefix[1] ?? '').replace(/''/g, "'");
      keep = (app) => ((app.identifierUris ?? []) as string[]).some((u) => u.startsWith(start));
    } else throw new GraphFault(400, 'Request_UnsupportedQuery', `Unsupported $filter: ${filter}`);
  }
  return { status: 200, json: { value: [...apps].filter(keep) } };
}

function checkIdentifierUris(store: GraphStore, app: DirectoryObject, uris: unknown): void {
  if (!Array.isArray(uris) || uris.some((u) => typeof u !== 'string')) {
    throw bad('identifierUris must be an array of strings.');
  }
  for (const uri of uris as string[]) {
    if (
      !uri.startsWith('api://') ||
      !(uri === `api://${String(app.appId)}` || uri.endsWith(`/${String(app.appId)}`))
    ) {
      throw new GraphFault(
        400,
        'HostNameNotOnVerifiedDomain',
        `Values of identifierUris property must use a verified domain of the organization or its subdomain, or the format api://{appId} or api://{host}/{appId}: ${uri}`,
      );
    }
    const other = [...applications(store).values()].find(
      (a) => a.id !== app.id && ((a.identifierUris ?? []) as string[]).includes(uri),
    );
    if (other !== undefined)
      throw bad(
        `Another object with the same value for property identifierUris already exists: ${uri}`,
      );
  }
}

function assignmentRoutes(store: GraphStore): Route[] {
  const assignments = roleAssignments(store);
  const principals = servicePrincipals(store);
  return [
    {
      method: 'GET',
      path: '/v1.0/servicePrincipals/{id}/appRoleAssignments',
      handle(_request, { id = '' }) {
        byId(principals, id, 'servicePrincipal');
        return {
          status: 200,
          json: { value: [...assignments.values()].filter((a) => a.principalId === id) },
        };
      },
    },
    {
      method: 'POST',
      path: '/v1.0/servicePrincipals/{id}/appRoleAssignments',
      handle(request, { id = '' }) {
        byId(principals, id, 'servicePrincipal');
        const body = request.json();
        requireProperties(body, ['principalId', 'resourceId', 'appRoleId']);
        if (body.principalId !== id)
          throw bad('principalId must be the service principal the assignment is posted to.');
        const resource = byId(principals, String(body.resourceId), 'servicePrincipal');
        const roles = (resource.appRoles ?? []) as { id: string }[];
        if (!roles.some((r) => r.id === body.appRoleId))
          throw bad(
            `Permission being assigned was not found on application '${String(resource.appId)}'.`,
          );
        if (
          [...assignments.values()].some(
            (a) =>
              a.principalId === id &&
              a.resourceId === body.resourceId &&
              a.appRoleId === body.appRoleId,
          )
        ) {
          throw bad('Permission being assigned already exists on the object');
        }
        const assignment: DirectoryObject = {
          ...body,
          id: randomUUID(),
          principalType: 'ServicePrincipal',
        };
        assignments.set(assignment.id, assignment);
        return { status: 201, json: assignment };
      },
    },
  ];
}

export const entraDirectoryRoutes: RouteModule = (store) => {
  const shared = directoryRoutes(store);
  const graphSp = [...servicePrincipals(store).values()].find((p) => p.appId === GRAPH_APP_ID);
  if (graphSp !== undefined) {
    graphSp.appRoles = [
      {
        id: RECEIVE_PAYLOAD_ROLE_ID,
        value: 'CustomAuthenticationExtension.Receive.Payload',
        allowedMemberTypes: ['Application'],
        isEnabled: true,
      },
    ];
  }
  const apps = applications(store);
  const own: Route[] = [
    {
      method: 'GET',
      path: '/v1.0/applications',
      handle: (request) => listApplications(request, apps.values()),
    },
    {
      method: 'PATCH',
      path: '/v1.0/applications/{id}',
      handle(request, { id = '' }) {
        const app = byId(apps, id, 'application');
        const body = request.json();
        if ('id' in body || 'appId' in body) throw bad('id and appId are read-only.');
        if (body.identifierUris !== undefined) checkIdentifierUris(store, app, body.identifierUris);
        const api = body.api as { requestedAccessTokenVersion?: unknown } | undefined;
        if (
          api?.requestedAccessTokenVersion !== undefined &&
          ![1, 2, null].includes(api.requestedAccessTokenVersion as number | null)
        ) {
          throw bad('api.requestedAccessTokenVersion must be 1, 2 or null.');
        }
        apps.set(id, { ...app, ...body });
        return { status: 204 };
      },
    },
    ...assignmentRoutes(store),
  ];
  return [...own, ...shared];
};
