/**
 * Stand-in routes for Entra External ID's custom authentication extensions, as Microsoft's Graph
 * reference pages describe them (v1.0): identitycontainer-list-/post-customauthenticationextensions,
 * customauthenticationextension-update and -validateauthenticationconfiguration. Bodies are
 * checked as the pages say: @odata.type values, required properties, timeoutInMilliseconds
 * 200-2000, maximumRetries 0-1, a resourceId that is an existing app's identifier URI.
 * Validation answers as the reference's example does (errors and warnings, code and message).
 * Listeners and the user flow: entraFlowRoutes.ts.
 */
import { randomUUID } from 'node:crypto';
import { applications, servicePrincipals } from './directoryRoutes';
import {
  byId,
  collectionRoutes,
  roleAssignments,
  RECEIVE_PAYLOAD_ROLE_ID,
} from './entraDirectoryRoutes';
import {
  GraphFault,
  requireODataType,
  requireProperties,
  type GraphStore,
  type Route,
  type RouteModule,
} from './standIn';

export type Json = Record<string, unknown>;
export type Stored = Json & { id: string; '@odata.type': string };

export const EXTENSION_TYPES = {
  '#microsoft.graph.onTokenIssuanceStartCustomExtension': 'tokenIssuanceStart',
  '#microsoft.graph.onAttributeCollectionStartCustomExtension': 'attributeCollectionStart',
  '#microsoft.graph.onAttributeCollectionSubmitCustomExtension': 'attributeCollectionSubmit',
} as const;
export const TOKEN_EXTENSION = '#microsoft.graph.onTokenIssuanceStartCustomExtension';
export const extensions = (store: GraphStore): Map<string, Stored> =>
  store.collection<Stored>('customAuthenticationExtensions');

export const bad = (message: string): GraphFault => new GraphFault(400, 'BadRequest', message);
export const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;

/** The checks of customAuthenticationExtension's properties, on create (all) or update (given). */
function checkExtension(store: GraphStore, type: string, body: Json, creating: boolean): void {
  if (creating) requireProperties(body, ['authenticationConfiguration']);
  const auth = object(body.authenticationConfiguration);
  if (body.authenticationConfiguration !== undefined) {
    requireODataType(
      auth,
      '#microsoft.graph.azureAdTokenAuthentication',
      'authenticationConfiguration',
    );
    requireProperties(auth ?? {}, ['resourceId']);
    const resourceId = String(auth?.resourceId);
    const known = [...applications(store).values()].some((app) =>
      ((app.identifierUris ?? []) as string[]).includes(resourceId),
    );
    if (!known)
      throw bad(
        `authenticationConfiguration.resourceId '${resourceId}' is not the identifier URI of an application in the tenant.`,
      );
  }
  if (body.endpointConfiguration !== undefined) {
    const endpoint = object(body.endpointConfiguration);
    requireODataType(endpoint, '#microsoft.graph.httpRequestEndpoint', 'endpointConfiguration');
    requireProperties(endpoint ?? {}, ['targetUrl']);
    if (!/^https:\/\//.test(String(endpoint?.targetUrl)))
      throw bad('endpointConfiguration.targetUrl must be an https URL.');
  } else if (creating) {
    throw bad("The required property 'endpointConfiguration' is missing.");
  }
  const client = object(body.clientConfiguration);
  if (client !== undefined) {
    const { timeoutInMilliseconds: timeout, maximumRetries: retries } = client;
    if (
      timeout !== null &&
      timeout !== undefined &&
      (!Number.isInteger(timeout) || (timeout as number) < 200 || (timeout as number) > 2000)
    ) {
      throw bad('clientConfiguration.timeoutInMilliseconds must be between 200 and 2000.');
    }
    if (retries !== null && retries !== undefined && retries !== 0 && retries !== 1) {
      throw bad('clientConfiguration.maximumRetries must be 0 or 1.');
    }
  }
  if (body.claimsForTokenConfiguration !== undefined) {
    if (type !== TOKEN_EXTENSION)
      throw bad(`claimsForTokenConfiguration is a property of ${TOKEN_EXTENSION} only.`);
    const claims = body.claimsForTokenConfiguration;
    if (
      !Array.isArray(claims) ||
      claims.some((c) => typeof object(c)?.claimIdInApiResponse !== 'string')
    ) {
      throw bad('claimsForTokenConfiguration: each item needs claimIdInApiResponse (a string).');
    }
  }
}

/** The validation Graph answers for one extension (the codes of the reference's example). */
function validation(store: GraphStore, extension: Stored): Json {
  const errors: Json[] = [];
  const warnings: Json[] = [];
  const resourceId = String(object(extension.authenticationConfiguration)?.resourceId ?? '');
  const target = String(object(extension.endpointConfiguration)?.targetUrl ?? '');
  const format = /^api:\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)\/([0-9a-f-]{36})$/i.exec(resourceId);
  if (format === null) {
    errors.push({
      code: 'IncorrectResourceIdFormat',
      message:
        "ResourceId should be in the format of 'api://{fully qualified domain name}/{appid}'",
    });
  } else {
    const targetHost = URL.canParse(target) ? new URL(target).host : '';
    if (targetHost.toLowerCase() !== (format[1] ?? '').toLowerCase()) {
      errors.push({
        code: 'DomainNameDoesNotMatch',
        message: 'The fully qualified domain name in resourceId should match that of the targetUrl',
      });
    }
    const sp = [...servicePrincipals(store).values()].find((p) => p.appId === format[2]);
    if (sp === undefined) {
      errors.push({
        code: 'ServicePrincipalNotFound',
        message:
          'The appId of the resourceId should correspond to a real service principal in the tenant',
      });
    } else if (
      ![...roleAssignments(store).values()].some(
        (a) => a.principalId === sp.id && a.appRoleId === RECEIVE_PAYLOAD_ROLE_ID,
      )
    ) {
      warnings.push({
        code: 'PermissionNotGrantedToServicePrincipal',
        message:
          'The permission CustomAuthenticationExtensions.Receive.Payload is not granted to the service principal of the resource app',
      });
    }
  }
  return {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.authenticationConfigurationValidation',
    errors,
    warnings,
  };
}

/** A handler's customExtension: an existing extension of the right type, shown expanded. */
export function boundExtension(
  store: GraphStore,
  handler: Json | undefined,
  type: string,
  where: string,
): Json {
  const id = object(handler?.customExtension)?.id;
  const extension = typeof id === 'string' ? extensions(store).get(id) : undefined;
  if (extension === undefined || extension['@odata.type'] !== type) {
    throw bad(`${where}.customExtension.id must name an existing ${type}.`);
  }
  return { id: extension.id, displayName: extension.displayName };
}

/** PATCH of a typed object: the body names its @odata.type, `check` judges it, it merges in. */
export function typedPatchRoute(
  path: string,
  items: Map<string, Stored>,
  what: string,
  check: (body: Json, found: Stored) => void,
): Route {
  return {
    method: 'PATCH',
    path,
    handle(request, { id = '' }) {
      const found = byId(items, id, what);
      const body = request.json();
      requireODataType(body, found['@odata.type']);
      check(body, found);
      items.set(id, { ...found, ...body, id });
      return { status: 204 };
    },
  };
}

export const entraRoutes: RouteModule = (store) => {
  const all = extensions(store);
  return [
    ...collectionRoutes('/v1.0/identity/customAuthenticationExtensions', all, (request) => {
      const body = request.json();
      const type = String(body['@odata.type']);
      if (!(type in EXTENSION_TYPES)) {
        throw bad(
          `@odata.type must be one of ${Object.keys(EXTENSION_TYPES).join(', ')} (got ${JSON.stringify(body['@odata.type'])}).`,
        );
      }
      checkExtension(store, type, body, true);
      return {
        clientConfiguration: null,
        behaviorOnError: null,
        ...body,
        '@odata.type': type,
        id: randomUUID(),
      };
    }),
    typedPatchRoute(
      '/v1.0/identity/customAuthenticationExtensions/{id}',
      all,
      'customAuthenticationExtension',
      (body, extension) => checkExtension(store, extension['@odata.type'], body, false),
    ),
    {
      method: 'POST',
      path: '/v1.0/identity/customAuthenticationExtensions/{id}/validateAuthenticationConfiguration',
      handle(request, { id = '' }) {
        if (request.body.length > 0)
          throw bad("Don't supply a request body when validating an extension by its id.");
        return {
          status: 200,
          json: validation(store, byId(all, id, 'customAuthenticationExtension')),
        };
      },
    },
  ];
};
