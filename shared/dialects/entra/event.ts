/**
 * Reading the third dialect: Microsoft Entra External ID custom authentication extensions.
 *
 * Each event is a step of the journey (loyalty/journey.ts), so the same functions and rules
 * decide and only the wire format differs:
 *   OnTokenIssuanceStart         = beforeToken              → provideClaimsForToken
 *   OnAttributeCollectionStart   = beforeSignUp             → setPrefillValues | showBlockPage | continueWithDefaultBehavior
 *   OnAttributeCollectionSubmit  = afterAttributeCollection → modifyAttributeValues | showValidationError | showBlockPage | continueWithDefaultBehavior
 * Type names are matched case-insensitively (Microsoft's samples and SDK differ in casing) and
 * answered in the documented spelling.
 */
import type { ErrorCode } from '../../contract/errors';
import { withoutExtensionPrefix } from '../../contract/extensionAttribute';
import type { RawClaims } from '../../contract/requests';
import type { JourneyStep } from '../../loyalty/journey';

export type EntraEvent =
  'tokenIssuanceStart' | 'attributeCollectionStart' | 'attributeCollectionSubmit';

const EVENTS: Readonly<Record<string, { event: EntraEvent; step: JourneyStep }>> = {
  tokenissuancestart: { event: 'tokenIssuanceStart', step: 'beforeToken' },
  attributecollectionstart: { event: 'attributeCollectionStart', step: 'beforeSignUp' },
  attributecollectionsubmit: {
    event: 'attributeCollectionSubmit',
    step: 'afterAttributeCollection',
  },
};

const EVENT_TYPE = /^microsoft\.graph\.authenticationEvent\./i;
const CALLOUT_TYPE = /^microsoft\.graph\.on(\w+)CalloutData$/i;
const ANSWERED =
  'microsoft.graph.authenticationEvent.tokenIssuanceStart, .attributeCollectionStart, .attributeCollectionSubmit';

export interface EntraContext {
  readonly event: EntraEvent;
  readonly step: JourneyStep;
  /** The request's own key of the loyalty ID attribute (e.g. extension_<appId>_loyaltyId). */
  readonly loyaltyIdKey: string;
  /** The request's own key of the promo code attribute, or its configured name. */
  readonly promoCodeKey: string;
}

export interface EntraAttributeNames {
  readonly loyaltyId: string;
  readonly promoCode: string;
  /** b2c/Entra extensions app id without hyphens, to name an attribute the request lacks. */
  readonly extensionsAppId?: string | undefined;
  /**
   * ENTRA_TRUST_USER_MAIL: also take the email from the user's free `mail` property (or an
   * `email` attribute) when no sign-in identity names one. Off by default: anyone who can edit
   * their profile could claim another member's email.
   */
  readonly trustUserMail?: boolean | undefined;
}

export type EntraRead =
  | { readonly kind: 'notEntra' }
  /** It says it is an Entra event, but not one this API answers, or not a well-formed one. */
  | { readonly kind: 'invalid'; readonly code: ErrorCode; readonly problem: string }
  | {
      readonly kind: 'event';
      readonly context: EntraContext;
      /** Claims under the canonical names the functions read. */
      readonly claims: RawClaims;
      /** The event names an email only where it is not trusted (`mail`, an attribute). */
      readonly untrustedEmail: boolean;
    };

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/** A property by name, ignoring case (`@odata.type` and `@odata.Type` both occur). */
function prop(from: Json | undefined, name: string): unknown {
  if (from === undefined) return undefined;
  if (Object.prototype.hasOwnProperty.call(from, name)) return from[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(from)) if (key.toLowerCase() === lower) return from[key];
  return undefined;
}

/** The attribute whose name, without the extension_<appId>_ prefix, is `name` (any case). */
function findAttribute(attributes: Json | undefined, name: string): [string, unknown] | undefined {
  if (attributes === undefined) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(attributes)) {
    if (withoutExtensionPrefix(key).toLowerCase() === wanted)
      return [key, prop(object(value), 'value')];
  }
  return undefined;
}

const EMAIL_SIGN_IN = new Set(['email', 'emailaddress']);

/**
 * The email a sign-in identity vouches for: one of an email sign-in type (verified by Entra at
 * sign-up or sign-in), else a federated identity's issuerAssignedId when it is an email.
 */
function identityEmail(identities: unknown): unknown {
  if (!Array.isArray(identities)) return undefined;
  const all = identities.map(object);
  const type = (i: Json | undefined) => String(prop(i, 'signInType')).toLowerCase();
  const email = all.find((i) => EMAIL_SIGN_IN.has(type(i)));
  if (email !== undefined) return prop(email, 'issuerAssignedId');
  const federated = all.find((i) => {
    const id = prop(i, 'issuerAssignedId');
    return type(i) === 'federated' && typeof id === 'string' && id.includes('@');
  });
  return prop(federated, 'issuerAssignedId');
}

function attributeName(name: string, names: EntraAttributeNames): string {
  return names.extensionsAppId === undefined ? name : `extension_${names.extensionsAppId}_${name}`;
}

/** The parts of a body that say it is an Entra event. */
function eventTypes(raw: RawClaims): {
  data: Json | undefined;
  calloutType: unknown;
  eventType: string | undefined;
  calloutMatch: RegExpExecArray | null;
} {
  let type: unknown;
  let dataValue: unknown;
  for (const [key, value] of raw) {
    if (key.toLowerCase() === 'type') type = value;
    if (key.toLowerCase() === 'data') dataValue = value;
  }
  const data = object(dataValue);
  const calloutType = prop(data, '@odata.type');
  const eventType = typeof type === 'string' && EVENT_TYPE.test(type) ? type : undefined;
  const calloutMatch = typeof calloutType === 'string' ? CALLOUT_TYPE.exec(calloutType) : null;
  return { data, calloutType, eventType, calloutMatch };
}

/** Whether the body says it is an Entra event (judged as Entra's, even when not a good one). */
export function saysEntraEvent(raw: RawClaims): boolean {
  const { eventType, calloutMatch } = eventTypes(raw);
  return eventType !== undefined || calloutMatch !== null;
}

/**
 * Reads an Entra event, or says the body is not one. A body that says it is one (its `type` is
 * microsoft.graph.authenticationEvent.*, or its `data.@odata.type` a callout data type) is judged
 * as Entra's: an event this API does not answer, or a missing or mismatched `data.@odata.type`,
 * is `invalid`, never taken for a custom-policy call. Caller text is never echoed.
 */
export function readEntraEvent(raw: RawClaims, names: EntraAttributeNames): EntraRead {
  const { data, calloutType, eventType, calloutMatch } = eventTypes(raw);
  if (eventType === undefined && calloutMatch === null) return { kind: 'notEntra' };
  const invalid = (code: ErrorCode, problem: string): EntraRead => ({
    kind: 'invalid',
    code,
    problem,
  });
  if (eventType === undefined) {
    return invalid(
      'InvalidRequest',
      `An Entra event needs "type": one of ${ANSWERED}; this body has data.@odata.type but no such type.`,
    );
  }
  const known = EVENTS[eventType.replace(EVENT_TYPE, '').toLowerCase()];
  if (known === undefined) {
    return invalid(
      'UnknownStep',
      `The Entra event is not one this API answers: ${ANSWERED} (OnTokenIssuanceStart, OnAttributeCollectionStart, OnAttributeCollectionSubmit).`,
    );
  }
  if (data === undefined) {
    return invalid('MalformedBody', 'The Entra event has no "data" object.');
  }
  const expected = `microsoft.graph.on${known.event[0]?.toUpperCase()}${known.event.slice(1)}CalloutData`;
  if (calloutType === undefined) {
    return invalid('InvalidRequest', `The Entra event lacks data.@odata.type (${expected}).`);
  }
  if (calloutMatch?.[1]?.toLowerCase() !== known.event.toLowerCase()) {
    return invalid(
      'InvalidRequest',
      `The Entra event's data.@odata.type is not the one of its type: expected ${expected}.`,
    );
  }

  const context = object(prop(data, 'authenticationContext'));
  const client = object(prop(context, 'client'));
  const user = object(prop(context, 'user'));
  const signUp = object(prop(data, 'userSignUpInfo'));
  const attributes = object(prop(signUp, 'attributes'));
  const vouched =
    identityEmail(prop(signUp, 'identities')) ?? identityEmail(prop(user, 'identities'));
  const unvouched = findAttribute(attributes, 'email')?.[1] ?? prop(user, 'mail');

  const loyalty = findAttribute(attributes, names.loyaltyId);
  const promo = findAttribute(attributes, names.promoCode);
  const claims: RawClaims = new Map();
  const set = (name: string, value: unknown): void => {
    if (value !== undefined && value !== null) claims.set(name, value);
  };
  set('objectId', prop(user, 'id'));
  set('email', vouched ?? (names.trustUserMail === true ? unvouched : undefined));
  set('loyaltyId', loyalty?.[1]);
  set('lang', prop(client, 'locale'));
  set('correlationId', prop(context, 'correlationId'));
  set('client_id', prop(object(prop(context, 'clientServicePrincipal')), 'appId'));
  set('ipAddress', prop(client, 'ip'));

  return {
    kind: 'event',
    claims,
    untrustedEmail: vouched === undefined && names.trustUserMail !== true && unvouched != null,
    context: {
      event: known.event,
      step: known.step,
      loyaltyIdKey: loyalty?.[0] ?? attributeName(names.loyaltyId, names),
      promoCodeKey: promo?.[0] ?? attributeName(names.promoCode, names),
    },
  };
}
