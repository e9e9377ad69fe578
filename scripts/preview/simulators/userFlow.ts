/**
 * Plays Azure AD B2C's part for user flows: an API connector at one step of a sign-up (or
 * sign-in) user flow, as Microsoft documents it (../shared/reference/001 and 000).
 *
 * The request: HTTP POST, JSON body of the user's attributes, serialized like Microsoft Graph
 * user properties (`email`, `identities`, `displayName`, `givenName`, `surname`, `objectId`, …;
 * custom attributes as `extension_<extensions-app-id without hyphens>_<Name>`), plus `step`,
 * `client_id` and `ui_locales`. An attribute with no value is not sent. What each step sends:
 * - PostFederationSignup (after federating with an identity provider): what the identity
 *   provider gave (email always), no custom attributes, no objectId (the user does not exist);
 * - PostAttributeCollection (before creating the user): the attributes collected on the page,
 *   custom attributes included, no objectId;
 * - PreTokenIssuance (before sending the token): the user's attributes with objectId; spelled
 *   `PreTokenIssuance` + `client_id` (doc 000) or `PreTokenApplicationClaims` + `clientId`
 *   (doc 001).
 *
 * The answer, per step:
 * - 200 `{"version", "action": "Continue", …claims}`: everywhere. Claims: built-in attributes and
 *   custom attributes (the `_<extensions-app-id>_` part optional); never `email` before the token;
 * - 200 `{"version", "action": "ShowBlockPage", "userMessage"}`: at PostFederationSignup and
 *   PostAttributeCollection;
 * - HTTP 400 `{"version", "status": 400 or "400", "action": "ValidationError", "userMessage"}`: at
 *   PostAttributeCollection only;
 * - anything else is a failure (B2C shows its generic error page).
 */
import type { Claims } from './policyTypes';
import { notAnswered, postJson } from './postJson';

export type ConnectorStep = 'PostFederationSignup' | 'PostAttributeCollection' | 'PreTokenIssuance';

export interface Identity {
  readonly signInType: string;
  readonly issuer: string;
  readonly issuerAssignedId: string;
}

/** The user, as B2C knows them at that step. */
export interface UserAttributes {
  readonly email?: string;
  readonly identities?: readonly Identity[];
  readonly displayName?: string;
  readonly givenName?: string;
  readonly surname?: string;
  readonly objectId?: string;
  /** Custom attributes by their short name (loyaltyId, promoCode, balance). */
  readonly custom?: Readonly<Record<string, string>>;
}

export interface UserFlow {
  /** The application (client) ID of the tenant's b2c-extensions-app (hyphens or not). */
  readonly extensionsAppId: string;
  /** Custom attributes created under User attributes (String). */
  readonly customAttributes: readonly string[];
  readonly clientId: string;
  readonly uiLocales?: string;
  /** Doc 000 spells the token step PreTokenIssuance + client_id; doc 001 PreTokenApplicationClaims + clientId. */
  readonly tokenStepSpelling?: 'PreTokenIssuance' | 'PreTokenApplicationClaims';
}

export interface ApiConnector {
  readonly endpointUrl: string;
  /** API connectors offer Basic or certificate authentication. */
  readonly basic?: { readonly username: string; readonly password: string };
}

export type ConnectorOutcome =
  | {
      readonly kind: 'continue';
      /** Returned claims by attribute name (custom attributes by their short name). */
      readonly claims: Claims;
      readonly request: Record<string, unknown>;
      readonly status: number;
      readonly body: unknown;
    }
  | {
      readonly kind: 'blockPage' | 'validationError';
      readonly userMessage: string;
      readonly request: Record<string, unknown>;
      readonly status: number;
      readonly body: unknown;
    }
  | {
      readonly kind: 'failure';
      readonly reason: string;
      readonly request: Record<string, unknown>;
      readonly status?: number;
      readonly body?: unknown;
    };

/** Built-in user attributes an API connector may return. */
const BUILT_IN = new Set([
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'streetAddress',
  'city',
  'postalCode',
  'state',
  'country',
  'email',
]);

function appIdPart(flow: UserFlow): string {
  return flow.extensionsAppId.replace(/-/g, '').toLowerCase();
}

/** The JSON body B2C posts to the connector at this step. */
export function connectorRequest(
  step: ConnectorStep,
  user: UserAttributes,
  flow: UserFlow,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const put = (name: string, value: unknown): void => {
    if (value === undefined || value === '') return; // no value → not sent
    if (Array.isArray(value) && value.length === 0) return;
    body[name] = value;
  };
  put('email', user.email);
  put('identities', user.identities);
  put('displayName', user.displayName);
  put('givenName', user.givenName);
  put('surname', user.surname);
  if (step === 'PreTokenIssuance') put('objectId', user.objectId);
  if (step !== 'PostFederationSignup') {
    for (const [name, value] of Object.entries(user.custom ?? {})) {
      if (!flow.customAttributes.includes(name)) continue; // only attributes the tenant defines
      put(`extension_${appIdPart(flow)}_${name}`, value);
    }
  }
  const docOneSpelling =
    step === 'PreTokenIssuance' && flow.tokenStepSpelling === 'PreTokenApplicationClaims';
  put('step', docOneSpelling ? 'PreTokenApplicationClaims' : step);
  put(docOneSpelling ? 'clientId' : 'client_id', flow.clientId);
  put('ui_locales', flow.uiLocales ?? 'en-US');
  return body;
}

/** A returned claim name → the attribute it sets, or undefined when B2C has no such attribute. */
function attributeOf(name: string, flow: UserFlow): string | undefined {
  const custom = /^extension_(?:([0-9a-f]{32})_)?(.+)$/i.exec(name);
  if (custom) {
    const [, appId, short = ''] = custom;
    if (appId !== undefined && appId.toLowerCase() !== appIdPart(flow)) return undefined;
    return flow.customAttributes.find((a) => a.toLowerCase() === short.toLowerCase());
  }
  return BUILT_IN.has(name) ? name : undefined;
}

/** The headers B2C sends to an API connector. */
export function connectorHeaders(connector: ApiConnector): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (connector.basic) {
    headers.authorization = `Basic ${Buffer.from(`${connector.basic.username}:${connector.basic.password}`).toString('base64')}`;
  }
  return headers;
}

/** Calls one API connector at one step and reads its answer as B2C would. */
export async function callConnector(
  connector: ApiConnector,
  step: ConnectorStep,
  user: UserAttributes,
  flow: UserFlow,
  timeoutMs = 20_000,
): Promise<ConnectorOutcome> {
  const request = connectorRequest(step, user, flow);
  const sent = await postJson(
    connector.endpointUrl,
    connectorHeaders(connector),
    request,
    timeoutMs,
  );
  if (!sent.ok) return { kind: 'failure', ...notAnswered(sent), request };
  const { status, body } = sent;
  const fail = (reason: string): ConnectorOutcome => ({
    kind: 'failure',
    reason,
    request,
    status,
    body,
  });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('the answer is not a JSON object');
  }
  const answer = body as Record<string, unknown>;
  if (typeof answer.version !== 'string' || answer.version === '') return fail('no version');
  const { action, userMessage } = answer;

  if (action === 'Continue') {
    if (status !== 200) return fail(`Continue with HTTP ${status}`);
    const claims: Claims = {};
    for (const [name, value] of Object.entries(answer)) {
      if (name === 'version' || name === 'action') continue;
      const attribute = attributeOf(name, flow);
      if (attribute === undefined)
        return fail(`claim ${name} is not a user attribute of the tenant`);
      if (attribute === 'email' && step === 'PreTokenIssuance') {
        return fail('email cannot be returned before sending the token');
      }
      if (typeof value !== 'string')
        return fail(`claim ${name} is not a string (${JSON.stringify(value)})`);
      claims[attribute] = value;
    }
    return { kind: 'continue', claims, request, status, body };
  }
  if (action === 'ShowBlockPage') {
    if (step === 'PreTokenIssuance')
      return fail('ShowBlockPage is not allowed before sending the token');
    if (status !== 200) return fail(`ShowBlockPage with HTTP ${status}`);
    if (typeof userMessage !== 'string' || userMessage === '')
      return fail('ShowBlockPage without userMessage');
    return { kind: 'blockPage', userMessage, request, status, body };
  }
  if (action === 'ValidationError') {
    if (step !== 'PostAttributeCollection')
      return fail(`ValidationError is not allowed at ${step}`);
    if (status !== 400 || String(answer.status) !== '400') {
      return fail(
        `ValidationError needs HTTP 400 and status 400 (got HTTP ${status}, status ${String(answer.status)})`,
      );
    }
    if (typeof userMessage !== 'string' || userMessage === '')
      return fail('ValidationError without userMessage');
    return { kind: 'validationError', userMessage, request, status, body };
  }
  return fail(`unknown action ${JSON.stringify(action)} (HTTP ${status})`);
}
