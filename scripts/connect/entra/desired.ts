/**
 * What `connect entra` wants the tenant to hold, from its options alone (no Graph): the Graph
 * bodies of the objects it manages, spelled as Microsoft's Graph reference spells them, and the
 * API settings that agree with them.
 */
import type { OutputClaims } from '../../../shared/contract/decision';
import type { EntraEvent } from '../../../shared/dialects/entra/event';
import type { EntraOptions } from './options';

/** Microsoft Graph's own application id (its service principal holds the app roles). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** The Graph application permission Entra needs to call a custom authentication extension. */
export const RECEIVE_PAYLOAD = 'CustomAuthenticationExtension.Receive.Payload';
/** What every object the command creates is called (with the API's host). */
export const NAME_PREFIX = 'b2c-claims-api';

/**
 * The claims EnrichToken returns to Entra at tokenIssuanceStart (provideClaimsForToken): the
 * extension lists exactly these, and the claims-mapping policy maps exactly these. The type
 * below fails to compile if EnrichToken's claims (OutputClaims) and this list part.
 */
export const TOKEN_CLAIMS = ['balance', 'loyaltyId', 'promoCode'] as const;
type Unlisted = Exclude<keyof OutputClaims, (typeof TOKEN_CLAIMS)[number]>;
const everyClaimListed: [Unlisted] extends [never] ? true : never = true;
void everyClaimListed;

export const EXTENSION_TYPE: Readonly<Record<EntraEvent, string>> = {
  tokenIssuanceStart: '#microsoft.graph.onTokenIssuanceStartCustomExtension',
  attributeCollectionStart: '#microsoft.graph.onAttributeCollectionStartCustomExtension',
  attributeCollectionSubmit: '#microsoft.graph.onAttributeCollectionSubmitCustomExtension',
};

/** The function each event calls. */
export const EVENT_FUNCTION: Readonly<Record<EntraEvent, string>> = {
  tokenIssuanceStart: 'EnrichToken',
  attributeCollectionStart: 'ValidateProfile',
  attributeCollectionSubmit: 'ValidateProfile',
};

export type AttributeEvent = Exclude<EntraEvent, 'tokenIssuanceStart'>;

/** The user flow's property and handler type of each attribute-collection event. */
export const FLOW_HANDLER: Readonly<Record<AttributeEvent, { property: string; type: string }>> = {
  attributeCollectionStart: {
    property: 'onAttributeCollectionStart',
    type: '#microsoft.graph.onAttributeCollectionStartCustomExtensionHandler',
  },
  attributeCollectionSubmit: {
    property: 'onAttributeCollectionSubmit',
    type: '#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler',
  },
};

export const LISTENER_TYPE = '#microsoft.graph.onTokenIssuanceStartListener';
export const LISTENER_HANDLER_TYPE = '#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler';
export const FLOW_TYPE = '#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow';

/** The identifier URI of the API's app registration: api://<host of --base-url>/<its appId>. */
export function identifierUri(host: string, appId: string): string {
  return `api://${host}/${appId}`;
}

/** What every identifier URI of this API starts with (how its app registration is found). */
export function identifierUriPrefix(host: string): string {
  return `api://${host}/`;
}

export function apiAppName(options: Pick<EntraOptions, 'host'>): string {
  return `${NAME_PREFIX} (${options.host})`;
}

/** The body that creates the API's app registration (the identifier URI follows its appId). */
export function apiAppBody(options: Pick<EntraOptions, 'host'>, receivePayloadRoleId: string) {
  return {
    displayName: apiAppName(options),
    signInAudience: 'AzureADMyOrg',
    api: { requestedAccessTokenVersion: 2 },
    requiredResourceAccess: [
      { resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: receivePayloadRoleId, type: 'Role' }] },
    ],
  };
}

export interface ExtensionBody {
  readonly '@odata.type': string;
  readonly displayName: string;
  readonly description: string;
  readonly endpointConfiguration: { '@odata.type': string; targetUrl: string };
  readonly authenticationConfiguration: { '@odata.type': string; resourceId: string };
  readonly clientConfiguration: { timeoutInMilliseconds: number; maximumRetries: number };
  readonly claimsForTokenConfiguration?: readonly { claimIdInApiResponse: string }[];
}

export function extensionTargetUrl(options: Pick<EntraOptions, 'baseUrl'>, event: EntraEvent) {
  return `${options.baseUrl}/api/${EVENT_FUNCTION[event]}`;
}

/** The custom authentication extension of one event, calling the API as `resourceId`. */
export function extensionBody(
  options: Pick<EntraOptions, 'baseUrl' | 'host' | 'timeoutMs'>,
  event: EntraEvent,
  resourceId: string,
): ExtensionBody {
  const body: ExtensionBody = {
    '@odata.type': EXTENSION_TYPE[event],
    displayName: `${NAME_PREFIX} ${event} (${options.host})`,
    description: `${EVENT_FUNCTION[event]} of the loyalty API at ${options.baseUrl}`,
    endpointConfiguration: {
      '@odata.type': '#microsoft.graph.httpRequestEndpoint',
      targetUrl: extensionTargetUrl(options, event),
    },
    authenticationConfiguration: {
      '@odata.type': '#microsoft.graph.azureAdTokenAuthentication',
      resourceId,
    },
    clientConfiguration: { timeoutInMilliseconds: options.timeoutMs, maximumRetries: 1 },
  };
  return event === 'tokenIssuanceStart'
    ? {
        ...body,
        claimsForTokenConfiguration: TOKEN_CLAIMS.map((c) => ({ claimIdInApiResponse: c })),
      }
    : body;
}

export function listenerBody(apps: readonly string[], extensionId: string) {
  return {
    '@odata.type': LISTENER_TYPE,
    conditions: { applications: { includeApplications: apps.map((appId) => ({ appId })) } },
    handler: { '@odata.type': LISTENER_HANDLER_TYPE, customExtension: { id: extensionId } },
  };
}

export function flowHandlerBody(event: AttributeEvent, extensionId: string) {
  const { property, type } = FLOW_HANDLER[event];
  return {
    '@odata.type': FLOW_TYPE,
    [property]: { '@odata.type': type, customExtension: { id: extensionId } },
  };
}

export function claimsPolicyName(options: Pick<EntraOptions, 'host'>): string {
  return `${NAME_PREFIX} token claims (${options.host})`;
}

/** The claims-mapping policy: each claim taken from the custom claims provider, same name. */
export function claimsPolicyDefinition(): string {
  return JSON.stringify({
    ClaimsMappingPolicy: {
      Version: 1,
      IncludeBasicClaimSet: 'true',
      ClaimsSchema: TOKEN_CLAIMS.map((c) => ({
        Source: 'CustomClaimsProvider',
        ID: c,
        JwtClaimType: c,
      })),
    },
  });
}

/**
 * ENTRA_REQUEST_BUDGET_MS below Entra's timeout: three quarters of it (a quarter left for the
 * network and a cold start), in 50 ms steps, within the API's own bounds (50-2000).
 */
export function requestBudgetMs(timeoutMs: number): number {
  return Math.max(50, Math.floor((timeoutMs * 0.75) / 50) * 50);
}

/**
 * The API's app settings that agree with this registration (API_AUTH may name other checks
 * beside entra; FUNCTIONS_AUTH_LEVEL anonymous because Entra sends a token, not a function key).
 */
export function apiSettings(
  options: Pick<EntraOptions, 'tenantId' | 'timeoutMs'>,
  apiAppId: string,
): Record<string, string> {
  return {
    API_AUTH: 'entra',
    ENTRA_TENANT_ID: options.tenantId,
    ENTRA_API_APP_ID: apiAppId,
    ENTRA_REQUEST_BUDGET_MS: String(requestBudgetMs(options.timeoutMs)),
    FUNCTIONS_AUTH_LEVEL: 'anonymous',
  };
}
