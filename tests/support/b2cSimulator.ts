/**
 * Plays Azure AD B2C's part in the tests: reads custom-policy XML (the shipped templates in
 * policies/ and their renderings) and runs its RESTful technical profiles the way B2C's
 * RestfulProvider does, against a real HTTP endpoint.
 *
 * What it models, from Microsoft's documents (../shared/reference, and the RESTful technical
 * profile reference):
 * - SendClaimsIn: Body = POST JSON, Form = POST urlencoded, QueryString = GET with the claims in
 *   the query string, Header = GET with one header per claim;
 * - InputClaim: PartnerClaimType renames; DefaultValue applies when the claim has no value, or
 *   always with AlwaysUseDefaultValue; claim resolvers ({Culture:LCID}, {Context:CorrelationId}, {Context:IPAddress},
 *   …) are resolved only when the profile sets IncludeClaimResolvingInClaimsHandling to true, and
 *   are sent as literal text otherwise; a claim with no value is not sent;
 * - AuthenticationType: None needs AllowInsecureAuthInProduction; the other types send their
 *   credentials only when the test supplies them (the local host does not check them);
 * - the answer: 200 → the output claims, read by PartnerClaimType from a flat JSON object (a
 *   claim that is absent takes its DefaultValue, or stays unset); 409 with a userMessage → an error
 *   shown on the page; anything else → a technical failure, shown to the user as the profile's
 *   DefaultUserMessageIfRequestFailed, or B2C's own text (which names the ServiceUrl).
 *
 * On top of that, a small journey runner walks a UserJourney's orchestration steps
 * (preconditions ClaimsExist / ClaimEquals, self-asserted pages with their Required output claims
 * and their validation technical profiles, SendClaims with the relying party's output claims or a JSON issuer such as the
 * UserInfo endpoint's). Technical profiles of the starter pack's base policy are not in our files:
 * the test says what they produce (stubs).
 */
import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';

export type Claims = Record<string, string>;

export interface ClaimRef {
  readonly claimTypeReferenceId: string;
  readonly partnerClaimType?: string;
  readonly defaultValue?: string;
  readonly alwaysUseDefaultValue: boolean;
  /** On a self-asserted page: the user cannot submit without a value. */
  readonly required: boolean;
}

export interface TechnicalProfile {
  readonly id: string;
  readonly file: string;
  readonly protocol?: { readonly name: string; readonly handler?: string };
  readonly metadata: ReadonlyMap<string, string>;
  readonly cryptographicKeys: readonly {
    readonly id: string;
    readonly storageReferenceId: string;
  }[];
  readonly outputTokenFormat?: string;
  readonly inputClaims: readonly ClaimRef[];
  readonly outputClaims: readonly ClaimRef[];
  readonly validationTechnicalProfiles: readonly string[];
}

export interface Precondition {
  readonly type: 'ClaimsExist' | 'ClaimEquals';
  readonly executeActionsIf: boolean;
  readonly values: readonly string[];
  readonly action: string;
}

export interface OrchestrationStep {
  readonly order: number;
  readonly type: string;
  readonly cpimIssuerTechnicalProfileReferenceId?: string;
  readonly preconditions: readonly Precondition[];
  readonly claimsExchanges: readonly {
    readonly id: string;
    readonly technicalProfileReferenceId: string;
  }[];
}

export interface UserJourney {
  readonly id: string;
  readonly file: string;
  readonly authorizationTechnicalProfiles: readonly string[];
  readonly steps: readonly OrchestrationStep[];
}

export interface RelyingParty {
  readonly policyId: string;
  readonly defaultUserJourney: string;
  readonly endpoints: ReadonlyMap<string, string>;
  readonly outputClaims: readonly ClaimRef[];
}

export interface PolicyDocument {
  readonly name: string;
  readonly policyId: string;
  readonly tenantId: string;
  readonly basePolicyId?: string;
  readonly claimTypes: ReadonlyMap<string, { readonly dataType: string }>;
  readonly technicalProfiles: readonly TechnicalProfile[];
  readonly userJourneys: readonly UserJourney[];
  readonly relyingParty?: RelyingParty;
}

// ---------------------------------------------------------------------------------------------
// Reading the XML

const REPEATED = new Set([
  'ClaimType',
  'ClaimsProvider',
  'TechnicalProfile',
  'Item',
  'Key',
  'InputClaim',
  'OutputClaim',
  'PersistedClaim',
  'ValidationTechnicalProfile',
  'UserJourney',
  'OrchestrationStep',
  'Precondition',
  'Value',
  'ClaimsExchange',
  'ClaimsProviderSelection',
  'AuthorizationTechnicalProfile',
  'Endpoint',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

type Node = Record<string, unknown>;

function node(value: unknown): Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Node)
    : {};
}

function nodes(value: unknown): Node[] {
  return Array.isArray(value) ? value.map(node) : value === undefined ? [] : [node(value)];
}

function attr(n: Node, name: string): string | undefined {
  const value = n[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

function requiredAttr(n: Node, name: string, where: string): string {
  const value = attr(n, name);
  if (value === undefined) throw new Error(`${where}: missing attribute ${name}`);
  return value;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const inner = node(value)['#text'];
  return typeof inner === 'string' ? inner : '';
}

function claimRefs(container: unknown, element: string): ClaimRef[] {
  return nodes(node(container)[element]).map((c) => {
    const partnerClaimType = attr(c, 'PartnerClaimType');
    const defaultValue = attr(c, 'DefaultValue');
    return {
      claimTypeReferenceId: requiredAttr(c, 'ClaimTypeReferenceId', element),
      ...(partnerClaimType === undefined ? {} : { partnerClaimType }),
      ...(defaultValue === undefined ? {} : { defaultValue }),
      alwaysUseDefaultValue: attr(c, 'AlwaysUseDefaultValue')?.toLowerCase() === 'true',
      required: attr(c, 'Required')?.toLowerCase() === 'true',
    };
  });
}

function technicalProfile(n: Node, file: string): TechnicalProfile {
  const id = requiredAttr(n, 'Id', 'TechnicalProfile');
  const protocol = n.Protocol === undefined ? undefined : node(n.Protocol);
  const metadata = new Map<string, string>();
  for (const item of nodes(node(n.Metadata).Item)) {
    metadata.set(requiredAttr(item, 'Key', `${id} metadata`), text(item));
  }
  const handler = protocol === undefined ? undefined : attr(protocol, 'Handler');
  const outputTokenFormat =
    typeof n.OutputTokenFormat === 'string' ? n.OutputTokenFormat : undefined;
  return {
    id,
    file,
    ...(protocol === undefined
      ? {}
      : {
          protocol: {
            name: requiredAttr(protocol, 'Name', `${id} Protocol`),
            ...(handler === undefined ? {} : { handler }),
          },
        }),
    metadata,
    cryptographicKeys: nodes(node(n.CryptographicKeys).Key).map((k) => ({
      id: requiredAttr(k, 'Id', `${id} key`),
      storageReferenceId: requiredAttr(k, 'StorageReferenceId', `${id} key`),
    })),
    ...(outputTokenFormat === undefined ? {} : { outputTokenFormat }),
    inputClaims: claimRefs(n.InputClaims, 'InputClaim'),
    outputClaims: claimRefs(n.OutputClaims, 'OutputClaim'),
    validationTechnicalProfiles: nodes(
      node(n.ValidationTechnicalProfiles).ValidationTechnicalProfile,
    ).map((v) => requiredAttr(v, 'ReferenceId', `${id} validation technical profile`)),
  };
}

function orchestrationStep(n: Node, journey: string): OrchestrationStep {
  const order = Number(requiredAttr(n, 'Order', `${journey} step`));
  const issuer = attr(n, 'CpimIssuerTechnicalProfileReferenceId');
  return {
    order,
    type: requiredAttr(n, 'Type', `${journey} step ${order}`),
    ...(issuer === undefined ? {} : { cpimIssuerTechnicalProfileReferenceId: issuer }),
    preconditions: nodes(node(n.Preconditions).Precondition).map((p) => {
      const type = requiredAttr(p, 'Type', `${journey} step ${order} precondition`);
      if (type !== 'ClaimsExist' && type !== 'ClaimEquals') {
        throw new Error(`${journey} step ${order}: precondition ${type} is not modelled`);
      }
      return {
        type,
        executeActionsIf: requiredAttr(p, 'ExecuteActionsIf', 'precondition') === 'true',
        values: Array.isArray(p.Value) ? p.Value.map(text) : [],
        action: text(p.Action),
      };
    }),
    claimsExchanges: nodes(node(n.ClaimsExchanges).ClaimsExchange).map((e) => ({
      id: requiredAttr(e, 'Id', `${journey} step ${order} exchange`),
      technicalProfileReferenceId: requiredAttr(e, 'TechnicalProfileReferenceId', 'exchange'),
    })),
  };
}

/** Reads one policy file. */
export function parsePolicy(name: string, xml: string): PolicyDocument {
  const root = node(parser.parse(xml).TrustFrameworkPolicy);
  const policyId = requiredAttr(root, 'PolicyId', name);
  const basePolicy = root.BasePolicy === undefined ? undefined : node(root.BasePolicy);
  const claimTypes = new Map<string, { dataType: string }>();
  for (const c of nodes(node(node(root.BuildingBlocks).ClaimsSchema).ClaimType)) {
    claimTypes.set(requiredAttr(c, 'Id', 'ClaimType'), { dataType: text(c.DataType) });
  }
  const technicalProfiles = nodes(node(root.ClaimsProviders).ClaimsProvider).flatMap((cp) =>
    nodes(node(cp.TechnicalProfiles).TechnicalProfile).map((tp) => technicalProfile(tp, name)),
  );
  const userJourneys = nodes(node(root.UserJourneys).UserJourney).map((j) => {
    const id = requiredAttr(j, 'Id', 'UserJourney');
    return {
      id,
      file: name,
      authorizationTechnicalProfiles: nodes(
        node(node(j.Authorization).AuthorizationTechnicalProfiles).AuthorizationTechnicalProfile,
      ).map((a) => requiredAttr(a, 'ReferenceId', `${id} authorization`)),
      steps: nodes(node(j.OrchestrationSteps).OrchestrationStep)
        .map((s) => orchestrationStep(s, id))
        .sort((a, b) => a.order - b.order),
    };
  });
  let relyingParty: RelyingParty | undefined;
  if (root.RelyingParty !== undefined) {
    const rp = node(root.RelyingParty);
    const profile = nodes(rp.TechnicalProfile)[0] ?? {};
    relyingParty = {
      policyId,
      defaultUserJourney: requiredAttr(node(rp.DefaultUserJourney), 'ReferenceId', name),
      endpoints: new Map(
        nodes(node(rp.Endpoints).Endpoint).map((e) => [
          requiredAttr(e, 'Id', 'Endpoint'),
          requiredAttr(e, 'UserJourneyReferenceId', 'Endpoint'),
        ]),
      ),
      outputClaims: claimRefs(profile.OutputClaims, 'OutputClaim'),
    };
  }
  const basePolicyId = basePolicy === undefined ? undefined : text(basePolicy.PolicyId);
  return {
    name,
    policyId,
    tenantId: requiredAttr(root, 'TenantId', name),
    ...(basePolicyId === undefined ? {} : { basePolicyId }),
    claimTypes,
    technicalProfiles,
    userJourneys,
    ...(relyingParty === undefined ? {} : { relyingParty }),
  };
}

/** The policy files B2C would merge (ours only: the starter pack's base is not in the repo). */
export class PolicySet {
  readonly documents: readonly PolicyDocument[];

  constructor(files: readonly { readonly name: string; readonly xml: string }[]) {
    this.documents = files.map((f) => parsePolicy(f.name, f.xml));
    const seen = new Map<string, string>();
    for (const doc of this.documents) {
      for (const tp of doc.technicalProfiles) {
        const other = seen.get(tp.id);
        if (other !== undefined) {
          throw new Error(`technical profile ${tp.id} is defined in ${other} and ${doc.name}`);
        }
        seen.set(tp.id, doc.name);
      }
    }
  }

  technicalProfile(id: string): TechnicalProfile | undefined {
    for (const doc of this.documents) {
      const found = doc.technicalProfiles.find((tp) => tp.id === id);
      if (found) return found;
    }
    return undefined;
  }

  restProfile(id: string): TechnicalProfile {
    const tp = this.technicalProfile(id);
    if (tp === undefined || !isRestful(tp)) throw new Error(`no RESTful technical profile ${id}`);
    return tp;
  }

  journey(id: string): UserJourney {
    for (const doc of this.documents) {
      const found = doc.userJourneys.find((j) => j.id === id);
      if (found) return found;
    }
    throw new Error(`no user journey ${id}`);
  }

  relyingParty(policyId: string): RelyingParty {
    const rp = this.documents.find((d) => d.relyingParty?.policyId === policyId)?.relyingParty;
    if (rp === undefined) throw new Error(`no relying party policy ${policyId}`);
    return rp;
  }

  dataType(claimTypeId: string): string {
    for (const doc of this.documents) {
      const found = doc.claimTypes.get(claimTypeId);
      if (found) return found.dataType;
    }
    return 'string'; // the base policy's claims used here (email, objectId, …) are strings
  }
}

export function isRestful(tp: TechnicalProfile): boolean {
  return tp.protocol?.handler?.startsWith('Web.TPEngine.Providers.RestfulProvider') === true;
}

function isSelfAsserted(tp: TechnicalProfile | undefined): boolean {
  return (
    tp?.protocol?.handler?.startsWith('Web.TPEngine.Providers.SelfAssertedAttributeProvider') ===
    true
  );
}

// ---------------------------------------------------------------------------------------------
// Claim resolvers

/** Windows LCIDs ({Culture:LCID}) of the cultures the tests use. */
const LCIDS: Readonly<Record<string, string>> = {
  'en-US': '1033',
  'en-GB': '2057',
  'fr-FR': '1036',
  'fr-CA': '3084',
  'de-DE': '1031',
  'es-ES': '3082',
  'it-IT': '1040',
  'pt-BR': '1046',
  'nl-NL': '1043',
  'ja-JP': '1041',
  'zh-CN': '2052',
  'zh-TW': '1028',
  'ko-KR': '1042',
};

/** What B2C knows about the request a technical profile runs in. */
export interface B2cContext {
  /** The UI culture, RFC 5646 (default en-US). */
  readonly culture?: string;
  readonly correlationId?: string;
  /** The user's IP address ({Context:IPAddress}). */
  readonly ipAddress?: string;
  readonly policyId?: string;
  readonly tenant?: string;
  readonly tenantObjectId?: string;
  readonly clientId?: string;
  readonly now?: Date;
  /** Production (default) refuses AuthenticationType None without AllowInsecureAuthInProduction. */
  readonly deploymentMode?: 'Production' | 'Development';
}

/** Replaces every {Resolver:Name} of a value; an unknown resolver is a test mistake. */
export function resolveClaimResolvers(value: string, context: B2cContext, claims: Claims): string {
  const culture = context.culture ?? 'en-US';
  const [language = 'en', region = 'US'] = culture.split('-');
  return value.replace(/\{([A-Za-z0-9_-]+):([^}]*)\}/g, (whole, kind: string, name: string) => {
    const key = `${kind}:${name}`;
    switch (key) {
      case 'Culture:LCID': {
        const lcid = LCIDS[culture];
        if (lcid === undefined) throw new Error(`the simulator knows no LCID for ${culture}`);
        return lcid;
      }
      case 'Culture:RFC5646':
        return culture;
      case 'Culture:LanguageName':
        return language;
      case 'Culture:RegionName':
        return region;
      case 'Context:CorrelationId':
        return context.correlationId ?? '';
      case 'Context:IPAddress':
        return context.ipAddress ?? '';
      case 'Context:DateTimeInUtc':
        return (context.now ?? new Date()).toISOString();
      case 'Context:DeploymentMode':
        return context.deploymentMode ?? 'Production';
      case 'Policy:PolicyId':
        return context.policyId ?? '';
      case 'Policy:TenantObjectId':
        return context.tenantObjectId ?? '';
      case 'Policy:RelyingPartyTenantId':
      case 'Policy:TrustFrameworkTenantId':
        return context.tenant ?? '';
      case 'OIDC:ClientId':
        return context.clientId ?? '';
      default:
        if (kind === 'Claim') return claims[name] ?? '';
        throw new Error(`claim resolver ${whole} is not modelled by the simulator`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// One RESTful technical profile

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

export type RestOutcome =
  | {
      readonly kind: 'claims';
      readonly claims: Claims;
      /** Output claims the answer did not carry and that have no DefaultValue. */
      readonly missing: readonly string[];
      readonly request: RestRequest;
      readonly status: number;
      readonly body: unknown;
    }
  | {
      /** HTTP 409: B2C shows userMessage on the page (validation technical profile). */
      readonly kind: 'pageError';
      readonly userMessage: string;
      readonly request: RestRequest;
      readonly status: number;
      readonly body: unknown;
    }
  | {
      /** Anything else: the user sees `shownToUser`. */
      readonly kind: 'failure';
      readonly reason: string;
      readonly shownToUser: string;
      readonly request: RestRequest;
      readonly status?: number;
      readonly body?: unknown;
    };

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
export function configurationProblem(
  tp: TechnicalProfile,
  context: B2cContext,
): string | undefined {
  const serviceUrl = tp.metadata.get('ServiceUrl') ?? '';
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return `ServiceUrl '${serviceUrl}' is not an absolute URL`;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  // B2C calls only HTTPS; plain HTTP to a loopback host is the test harness's own allowance.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return `ServiceUrl '${serviceUrl}' is not HTTPS`;
  }
  const type = tp.metadata.get('AuthenticationType');
  const keys = new Set(tp.cryptographicKeys.map((k) => k.id));
  switch (type) {
    case 'None':
      if (
        (context.deploymentMode ?? 'Production') === 'Production' &&
        tp.metadata.get('AllowInsecureAuthInProduction')?.toLowerCase() !== 'true'
      ) {
        return 'AuthenticationType None needs AllowInsecureAuthInProduction true in production';
      }
      return undefined;
    case 'Basic':
      return keys.has('BasicAuthenticationUsername') && keys.has('BasicAuthenticationPassword')
        ? undefined
        : 'Basic needs the keys BasicAuthenticationUsername and BasicAuthenticationPassword';
    case 'ClientCertificate':
      return keys.has('ClientCertificate')
        ? undefined
        : 'ClientCertificate needs the key ClientCertificate';
    case 'Bearer':
      return keys.has('BearerAuthenticationToken') || tp.metadata.has('UseClaimAsBearerToken')
        ? undefined
        : 'Bearer needs the key BearerAuthenticationToken (or UseClaimAsBearerToken)';
    case 'ApiKeyHeader':
      return tp.cryptographicKeys.length === 1
        ? undefined
        : 'ApiKeyHeader needs exactly one key, whose Id is the header name';
    default:
      return `AuthenticationType ${type ?? '(missing)'} is not one B2C knows`;
  }
}

function failureText(tp: TechnicalProfile, fallback: string): string {
  return tp.metadata.get('DefaultUserMessageIfRequestFailed') ?? fallback;
}

/** Runs one RESTful technical profile against its (or the redirected) ServiceUrl. */
export async function callRestProfile(
  tp: TechnicalProfile,
  claims: Claims,
  policies: PolicySet,
  options: RestCallOptions = {},
): Promise<RestOutcome> {
  const context = options.context ?? {};
  const request = buildRestRequest(tp, claims, policies, options);
  const problem = configurationProblem(tp, context);
  if (problem !== undefined) {
    return { kind: 'failure', reason: problem, shownToUser: failureText(tp, problem), request };
  }
  const connectionFailed = `Failed to establish connection to restful service end point. Restful service URL: ${request.serviceUrl}`;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: 'manual',
    });
  } catch (error) {
    return {
      kind: 'failure',
      reason: `no answer: ${(error as Error).message}`,
      shownToUser: failureText(tp, connectionFailed),
      request,
    };
  }
  const raw = await response.text();
  let body: unknown;
  try {
    body = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    body = raw;
  }
  const httpError = `The claims exchange '${tp.id}' returned HTTP error response with Code '${response.status}' and Reason '${response.statusText}'.`;
  const fail = (reason: string): RestOutcome => ({
    kind: 'failure',
    reason,
    shownToUser: failureText(tp, httpError),
    request,
    status: response.status,
    body,
  });

  if (response.status === 409) {
    const error = node(body);
    const userMessage = error.userMessage;
    if (typeof userMessage !== 'string' || userMessage === '') {
      return fail('HTTP 409 without a userMessage');
    }
    if (typeof error.version !== 'string' || String(error.status) !== '409') {
      return fail('HTTP 409 whose body lacks version or status 409');
    }
    return { kind: 'pageError', userMessage, request, status: 409, body };
  }
  if (response.status !== 200) return fail(`HTTP ${response.status}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('the 200 answer is not a JSON object');
  }
  const answer = body as Record<string, unknown>;
  const resolveJsonPaths =
    tp.metadata.get('ResolveJsonPathsInJsonTokens')?.toLowerCase() === 'true';
  const out: Claims = {};
  const missing: string[] = [];
  for (const oc of tp.outputClaims) {
    const name = oc.partnerClaimType ?? oc.claimTypeReferenceId;
    const value = answer[name];
    if (typeof value === 'object' && value !== null && !resolveJsonPaths) {
      return fail(`output claim ${name} is not flat (${JSON.stringify(value)})`);
    }
    if (
      !oc.alwaysUseDefaultValue &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    ) {
      out[oc.claimTypeReferenceId] = String(value);
    } else if (oc.defaultValue !== undefined) {
      out[oc.claimTypeReferenceId] = oc.defaultValue;
    } else {
      missing.push(name);
    }
  }
  return { kind: 'claims', claims: out, missing, request, status: 200, body };
}

// ---------------------------------------------------------------------------------------------
// A user journey

export interface JourneyOptions extends RestCallOptions {
  /** The relying party policy (e.g. B2C_1A_signup_signin). */
  readonly relyingParty: string;
  /** A journey other than the relying party's default, e.g. the UserInfo endpoint's. */
  readonly endpoint?: string;
  /** Claims already in the bag. */
  readonly claims?: Claims;
  /** What the user enters on a self-asserted page, by technical profile. */
  readonly userInput?: Readonly<Record<string, Claims>>;
  /**
   * What a technical profile that is not in our files produces (the starter pack's base), or
   * what it adds after its validation technical profiles succeeded (e.g. objectId once the
   * account is written).
   */
  readonly stubs?: Readonly<Record<string, Claims>>;
  /** Step order → the ClaimsExchange Id the user picked, or 'none' (e.g. the sign-up link). */
  readonly choose?: Readonly<Record<number, string>>;
}

export interface JourneyCall {
  readonly step: number;
  readonly technicalProfile: string;
  readonly outcome: RestOutcome;
}

export type JourneyOutcome =
  | {
      readonly kind: 'token';
      readonly issuer: string;
      /** What the relying party receives (the token's claims, or the UserInfo answer). */
      readonly claims: Claims;
      readonly bag: Claims;
      readonly calls: readonly JourneyCall[];
    }
  | {
      /** The user stays on the page and reads userMessage. */
      readonly kind: 'pageError';
      readonly step: number;
      readonly technicalProfile: string;
      readonly userMessage: string;
      readonly calls: readonly JourneyCall[];
    }
  | {
      /** The journey ends: B2C sends the error to the application. */
      readonly kind: 'errorToApplication';
      readonly step: number;
      readonly technicalProfile: string;
      readonly userMessage: string;
      readonly calls: readonly JourneyCall[];
    };

function skips(step: OrchestrationStep, bag: Claims): boolean {
  return step.preconditions.some((p) => {
    const [claim = '', expected] = p.values;
    const holds =
      p.type === 'ClaimsExist'
        ? bag[claim] !== undefined && bag[claim] !== ''
        : bag[claim] !== undefined && bag[claim] === expected;
    return holds === p.executeActionsIf && p.action === 'SkipThisOrchestrationStep';
  });
}

function issue(outputClaims: readonly ClaimRef[], bag: Claims, context: B2cContext): Claims {
  const claims: Claims = {};
  for (const oc of outputClaims) {
    let value = bag[oc.claimTypeReferenceId];
    if (
      oc.defaultValue !== undefined &&
      (oc.alwaysUseDefaultValue || value === undefined || value === '')
    ) {
      value = resolveClaimResolvers(oc.defaultValue, context, bag);
    }
    if (value !== undefined && value !== '')
      claims[oc.partnerClaimType ?? oc.claimTypeReferenceId] = value;
  }
  return claims;
}

/** Walks a user journey of the policy set, calling its RESTful technical profiles over HTTP. */
export async function runJourney(
  policies: PolicySet,
  options: JourneyOptions,
): Promise<JourneyOutcome> {
  const rp = policies.relyingParty(options.relyingParty);
  const journeyId =
    options.endpoint === undefined ? rp.defaultUserJourney : rp.endpoints.get(options.endpoint);
  if (journeyId === undefined)
    throw new Error(`${options.relyingParty} has no endpoint ${options.endpoint ?? ''}`);
  const journey = policies.journey(journeyId);
  const context: B2cContext = {
    correlationId: randomUUID(),
    policyId: options.relyingParty,
    ...options.context,
  };
  const restOptions: RestCallOptions = { ...options, context };
  const bag: Claims = { ...options.claims };
  const calls: JourneyCall[] = [];
  const stub = (id: string): Claims | undefined => options.stubs?.[id];

  for (const id of journey.authorizationTechnicalProfiles) {
    const claims = stub(id);
    if (claims === undefined) throw new Error(`stub the authorization technical profile ${id}`);
    Object.assign(bag, claims);
  }

  for (const step of journey.steps) {
    if (skips(step, bag)) continue;
    if (step.type === 'SendClaims') {
      const issuer = step.cpimIssuerTechnicalProfileReferenceId ?? 'JwtIssuer';
      const issuerProfile = policies.technicalProfile(issuer);
      const claims =
        issuerProfile?.outputTokenFormat === 'JSON'
          ? issue(issuerProfile.inputClaims, bag, context)
          : issue(rp.outputClaims, bag, context);
      return { kind: 'token', issuer, claims, bag, calls };
    }
    const chosen = options.choose?.[step.order];
    if (chosen === 'none') continue;
    const exchange =
      chosen === undefined
        ? step.claimsExchanges[0]
        : step.claimsExchanges.find((e) => e.id === chosen);
    if (exchange === undefined) {
      if (chosen !== undefined) throw new Error(`step ${step.order} has no exchange ${chosen}`);
      continue; // a selection step without an exchange of its own
    }
    const tpId = exchange.technicalProfileReferenceId;
    const tp = policies.technicalProfile(tpId);

    if (tp !== undefined && isRestful(tp)) {
      const outcome = await callRestProfile(tp, bag, policies, restOptions);
      calls.push({ step: step.order, technicalProfile: tpId, outcome });
      if (outcome.kind !== 'claims') {
        return {
          kind: 'errorToApplication',
          step: step.order,
          technicalProfile: tpId,
          userMessage: outcome.kind === 'pageError' ? outcome.userMessage : outcome.shownToUser,
          calls,
        };
      }
      Object.assign(bag, outcome.claims);
      continue;
    }

    const input = options.userInput?.[tpId];
    if (
      tp !== undefined &&
      (isSelfAsserted(tp) || tp.validationTechnicalProfiles.length > 0 || input)
    ) {
      Object.assign(bag, input);
      const missing = tp.outputClaims.find(
        (c) => c.required && (bag[c.claimTypeReferenceId] ?? '') === '',
      );
      if (missing !== undefined) {
        // the page does not submit: no validation technical profile runs
        return {
          kind: 'pageError',
          step: step.order,
          technicalProfile: tpId,
          userMessage: `${missing.claimTypeReferenceId}: This information is required.`,
          calls,
        };
      }
      for (const vtpId of tp.validationTechnicalProfiles) {
        const vtp = policies.technicalProfile(vtpId);
        if (vtp === undefined || !isRestful(vtp)) {
          Object.assign(bag, stub(vtpId));
          continue;
        }
        const outcome = await callRestProfile(vtp, bag, policies, restOptions);
        calls.push({ step: step.order, technicalProfile: vtpId, outcome });
        if (outcome.kind !== 'claims') {
          return {
            kind: 'pageError',
            step: step.order,
            technicalProfile: vtpId,
            userMessage: outcome.kind === 'pageError' ? outcome.userMessage : outcome.shownToUser,
            calls,
          };
        }
        Object.assign(bag, outcome.claims);
      }
      Object.assign(bag, stub(tpId));
      continue;
    }

    const produced = stub(tpId);
    if (produced === undefined) {
      throw new Error(
        `step ${step.order}: stub the technical profile ${tpId} (not in our policy files)`,
      );
    }
    Object.assign(bag, produced);
  }
  throw new Error(`journey ${journeyId} ended without a SendClaims step`);
}
