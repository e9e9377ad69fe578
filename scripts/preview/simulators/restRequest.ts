/** The HTTP request B2C's RestfulProvider makes for a technical profile and the claims in the bag. */
import { randomUUID } from 'node:crypto';
import { resolveClaimResolvers, type B2cContext } from './claimResolvers';
import type { Claims, TechnicalProfile } from './policyTypes';
import type { PolicySet } from './policyXml';

export type SendClaimsIn = 'Body' | 'Form' | 'QueryString' | 'Header';

export interface RestRequest {
  readonly technicalProfile: string;
  readonly sendClaimsIn: SendClaimsIn;
  readonly method: 'GET' | 'POST';
  /** The ServiceUrl B2C would call (before any redirection to the test host). */
  readonly serviceUrl: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The claims sent, by partner name, as B2C sent them. */
  readonly sent: Readonly<Record<string, string | number | boolean>>;
}

export interface Credentials {
  readonly username?: string;
  readonly password?: string;
  readonly apiKey?: string;
  readonly bearerToken?: string;
}

export interface RestCallOptions {
  readonly context?: B2cContext;
  /** Sends the call to this origin instead of the ServiceUrl's (e.g. the local host). */
  readonly redirectTo?: string;
  readonly credentials?: Credentials;
  /** B2C's limit for a RESTful technical profile. */
  readonly timeoutMs?: number;
}

function sendClaimsIn(tp: TechnicalProfile): SendClaimsIn {
  const value = tp.metadata.get('SendClaimsIn') ?? 'Body';
  const known = (['Body', 'Form', 'QueryString', 'Header'] as const).find(
    (m) => m.toLowerCase() === value.toLowerCase(),
  );
  if (known === undefined) throw new Error(`${tp.id}: SendClaimsIn ${value} is not modelled`);
  return known;
}

function jsonValue(value: string, dataType: string): string | number | boolean {
  if ((dataType === 'int' || dataType === 'long') && /^-?\d+$/.test(value)) return Number(value);
  if (dataType === 'boolean') return value.toLowerCase() === 'true';
  return value;
}

/** The claims B2C sends for this profile, by partner name, with defaults and resolvers applied. */
export function inputClaimsToSend(
  tp: TechnicalProfile,
  claims: Claims,
  context: B2cContext,
): Record<string, string> {
  const resolving =
    tp.metadata.get('IncludeClaimResolvingInClaimsHandling')?.toLowerCase() === 'true';
  const sent: Record<string, string> = {};
  for (const ic of tp.inputClaims) {
    let value = claims[ic.claimTypeReferenceId];
    if (
      ic.defaultValue !== undefined &&
      (ic.alwaysUseDefaultValue || value === undefined || value === '')
    ) {
      value = resolving ? resolveClaimResolvers(ic.defaultValue, context, claims) : ic.defaultValue;
    }
    if (value === undefined || value === '') continue; // B2C does not send claims with no value
    sent[ic.partnerClaimType ?? ic.claimTypeReferenceId] = value;
  }
  return sent;
}

/** The HTTP request B2C makes for this profile and these claims. */
export function buildRestRequest(
  tp: TechnicalProfile,
  claims: Claims,
  policies: PolicySet,
  options: RestCallOptions = {},
): RestRequest {
  if (tp.metadata.has('ClaimUsedForRequestPayload')) {
    throw new Error(`${tp.id}: ClaimUsedForRequestPayload is not modelled`);
  }
  const context: B2cContext = { correlationId: randomUUID(), ...options.context };
  const serviceUrl = tp.metadata.get('ServiceUrl');
  if (serviceUrl === undefined) throw new Error(`${tp.id}: no ServiceUrl`);
  const mode = sendClaimsIn(tp);
  const sentText = inputClaimsToSend(tp, claims, context);
  const dataTypeOf = (partner: string): string =>
    policies.dataType(
      tp.inputClaims.find((ic) => (ic.partnerClaimType ?? ic.claimTypeReferenceId) === partner)
        ?.claimTypeReferenceId ?? partner,
    );
  const sent: Record<string, string | number | boolean> =
    mode === 'Body'
      ? Object.fromEntries(
          Object.entries(sentText).map(([k, v]) => [k, jsonValue(v, dataTypeOf(k))]),
        )
      : sentText;

  const target = new URL(serviceUrl);
  if (options.redirectTo !== undefined) {
    const to = new URL(options.redirectTo);
    target.protocol = to.protocol;
    target.host = to.host;
  }
  const headers: Record<string, string> = { ...authenticationHeaders(tp, options.credentials) };
  let body: string | undefined;
  let method: 'GET' | 'POST' = 'POST';
  switch (mode) {
    case 'Body':
      headers['content-type'] = 'application/json';
      body = JSON.stringify(sent);
      break;
    case 'Form':
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(sentText).toString();
      break;
    case 'QueryString':
      method = 'GET';
      for (const [k, v] of Object.entries(sentText)) target.searchParams.append(k, v);
      break;
    case 'Header':
      method = 'GET';
      for (const [k, v] of Object.entries(sentText)) headers[k] = v;
      break;
  }
  return {
    technicalProfile: tp.id,
    sendClaimsIn: mode,
    method,
    serviceUrl,
    url: target.toString(),
    headers,
    ...(body === undefined ? {} : { body }),
    sent,
  };
}

function authenticationHeaders(
  tp: TechnicalProfile,
  credentials: Credentials | undefined,
): Record<string, string> {
  if (credentials === undefined) return {};
  switch (tp.metadata.get('AuthenticationType')) {
    case 'Basic':
      return credentials.username === undefined || credentials.password === undefined
        ? {}
        : {
            authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
          };
    case 'ApiKeyHeader': {
      const header = tp.cryptographicKeys[0]?.id;
      return header === undefined || credentials.apiKey === undefined
        ? {}
        : { [header]: credentials.apiKey };
    }
    case 'Bearer':
      return credentials.bearerToken === undefined
        ? {}
        : { authorization: `Bearer ${credentials.bearerToken}` };
    default:
      return {};
  }
}

/** Why B2C would refuse to run the profile at all, or undefined. */
