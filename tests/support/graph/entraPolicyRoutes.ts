/**
 * Stand-in routes for claims-mapping policies, as Microsoft's v1.0 reference pages describe them:
 * claimsmappingpolicy-list, -post-claimsmappingpolicies, -update, and their assignment to a
 * service principal (serviceprincipal-list-/post-claimsmappingpolicies; one per service
 * principal). A definition must be one JSON string holding a ClaimsMappingPolicy.
 */
import { randomUUID } from 'node:crypto';
import { servicePrincipals, type DirectoryObject } from './directoryRoutes';
import { bad, byId, collectionRoutes } from './entraDirectoryRoutes';
import { requireProperties, type GraphStore, type RouteModule } from './standIn';

export const claimsPolicies = (store: GraphStore): Map<string, DirectoryObject> =>
  store.collection<DirectoryObject>('claimsMappingPolicies');
/** Service principal id → the claims-mapping policy ids assigned to it. */
export const policyAssignments = (store: GraphStore): Map<string, string[]> =>
  store.collection<string[]>('claimsMappingPolicyAssignments');

export const entraPolicyRoutes: RouteModule = (store) => {
  const policies = claimsPolicies(store);
  const assigned = policyAssignments(store);
  const checkDefinition = (definition: unknown): void => {
    if (
      !Array.isArray(definition) ||
      definition.length !== 1 ||
      typeof definition[0] !== 'string'
    ) {
      throw bad('definition must be an array holding one JSON string.');
    }
    try {
      const parsed = JSON.parse(definition[0] as string) as {
        ClaimsMappingPolicy?: { ClaimsSchema?: unknown };
      };
      if (!Array.isArray(parsed.ClaimsMappingPolicy?.ClaimsSchema)) throw new Error();
    } catch {
      throw bad('definition[0] is not a ClaimsMappingPolicy with a ClaimsSchema.');
    }
  };
  return [
    ...collectionRoutes('/v1.0/policies/claimsMappingPolicies', policies, (request) => {
      const body = request.json();
      requireProperties(body, ['definition', 'displayName']);
      checkDefinition(body.definition);
      return { isOrganizationDefault: false, ...body, id: randomUUID() };
    }),
    {
      method: 'PATCH',
      path: '/v1.0/policies/claimsMappingPolicies/{id}',
      handle(request, { id = '' }) {
        const policy = byId(policies, id, 'claimsMappingPolicy');
        const body = request.json();
        if (body.definition !== undefined) checkDefinition(body.definition);
        policies.set(id, { ...policy, ...body, id });
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/v1.0/servicePrincipals/{id}/claimsMappingPolicies',
      handle(_request, { id = '' }) {
        byId(servicePrincipals(store), id, 'servicePrincipal');
        const value = (assigned.get(id) ?? [])
          .map((p) => policies.get(p))
          .filter((p) => p !== undefined);
        return { status: 200, json: { value } };
      },
    },
    {
      method: 'POST',
      path: '/v1.0/servicePrincipals/{id}/claimsMappingPolicies/$ref',
      handle(request, { id = '' }) {
        byId(servicePrincipals(store), id, 'servicePrincipal');
        const body = request.json();
        requireProperties(body, ['@odata.id']);
        const ref = /\/v1\.0\/policies\/claimsMappingPolicies\/([0-9a-f-]{36})$/.exec(
          String(body['@odata.id']),
        );
        if (ref?.[1] === undefined || !policies.has(ref[1]))
          throw bad(`@odata.id does not name a claimsMappingPolicy: ${String(body['@odata.id'])}`);
        if ((assigned.get(id) ?? []).length > 0)
          throw bad('A service principal can have only one claims-mapping policy assigned.');
        assigned.set(id, [ref[1]]);
        return { status: 204 };
      },
    },
  ];
};
