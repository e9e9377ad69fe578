/**
 * Stand-in routes for what calls an extension, as Microsoft's Graph reference pages describe
 * them: authenticationEventListeners (identitycontainer-list-/post-authenticationeventlisteners,
 * authenticationeventlistener-update; v1.0) and the sign-up user flow
 * (authenticationeventsflow-get, -update; beta, where externalUsersSelfServiceSignUpEventsFlow
 * has its onAttributeCollectionStart/Submit handlers). Handlers must name an existing extension
 * of their event; the list shows it expanded, as the reference's example does.
 */
import { randomUUID } from 'node:crypto';
import { applications } from './directoryRoutes';
import { byId, collectionRoutes } from './entraDirectoryRoutes';
import {
  bad,
  boundExtension,
  object,
  TOKEN_EXTENSION,
  typedPatchRoute,
  type Json,
  type Stored,
} from './entraRoutes';
import {
  requireODataType,
  requireProperties,
  type GraphStore,
  type Route,
  type RouteModule,
} from './standIn';

export const FLOW_TYPE = '#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow';
const FLOW_HANDLERS: Readonly<Record<string, { handler: string; extension: string }>> = {
  onAttributeCollectionStart: {
    handler: '#microsoft.graph.onAttributeCollectionStartCustomExtensionHandler',
    extension: '#microsoft.graph.onAttributeCollectionStartCustomExtension',
  },
  onAttributeCollectionSubmit: {
    handler: '#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler',
    extension: '#microsoft.graph.onAttributeCollectionSubmitCustomExtension',
  },
};

export const listeners = (store: GraphStore): Map<string, Stored> =>
  store.collection<Stored>('authenticationEventListeners');
export const flows = (store: GraphStore): Map<string, Stored> =>
  store.collection<Stored>('authenticationEventsFlows');

/** A sign-up user flow in the tenant (what the admin center creates). */
export function addUserFlow(store: GraphStore, displayName: string): Stored {
  const flow: Stored = {
    '@odata.type': FLOW_TYPE,
    id: randomUUID(),
    displayName,
    onAttributeCollectionStart: null,
    onAttributeCollectionSubmit: null,
  };
  flows(store).set(flow.id, flow);
  return flow;
}

function listenerRoutes(store: GraphStore): Route[] {
  const all = listeners(store);
  const checkConditions = (body: Json): void => {
    const apps = object(object(body.conditions)?.applications)?.includeApplications;
    if (body.conditions === undefined) return;
    if (!Array.isArray(apps) || apps.some((a) => typeof object(a)?.appId !== 'string')) {
      throw bad('conditions.applications.includeApplications: each item needs an appId.');
    }
    const known = new Set([...applications(store).values()].map((a) => a.appId));
    const unknown = apps.map((a) => String(object(a)?.appId)).find((appId) => !known.has(appId));
    if (unknown !== undefined)
      throw bad(`includeApplications: no application has the appId ${unknown}.`);
  };
  return [
    ...collectionRoutes('/v1.0/identity/authenticationEventListeners', all, (request) => {
      const body = request.json();
      requireODataType(body, '#microsoft.graph.onTokenIssuanceStartListener');
      requireProperties(body, ['handler']);
      const handler = object(body.handler);
      requireODataType(
        handler,
        '#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler',
        'handler',
      );
      checkConditions(body);
      return {
        ...body,
        '@odata.type': String(body['@odata.type']),
        id: randomUUID(),
        handler: {
          ...handler,
          customExtension: boundExtension(store, handler, TOKEN_EXTENSION, 'handler'),
        },
      };
    }),
    typedPatchRoute(
      '/v1.0/identity/authenticationEventListeners/{id}',
      all,
      'authenticationEventListener',
      checkConditions,
    ),
  ];
}

function flowRoutes(store: GraphStore): Route[] {
  const all = flows(store);
  return [
    {
      method: 'GET',
      path: '/beta/identity/authenticationEventsFlows/{id}',
      handle: (_request, { id = '' }) => ({
        status: 200,
        json: byId(all, id, 'authenticationEventsFlow'),
      }),
    },
    {
      method: 'PATCH',
      path: '/beta/identity/authenticationEventsFlows/{id}',
      handle(request, { id = '' }) {
        const flow = byId(all, id, 'authenticationEventsFlow');
        const body = request.json();
        requireODataType(body, FLOW_TYPE);
        const next: Stored = { ...flow };
        for (const [property, { handler: type, extension }] of Object.entries(FLOW_HANDLERS)) {
          if (body[property] === undefined) continue;
          const handler = object(body[property]);
          requireODataType(handler, type, property);
          next[property] = {
            '@odata.type': type,
            customExtension: boundExtension(store, handler, extension, property),
          };
        }
        all.set(id, next);
        return { status: 204 };
      },
    },
  ];
}

export const entraFlowRoutes: RouteModule = (store) => [
  ...listenerRoutes(store),
  ...flowRoutes(store),
];
