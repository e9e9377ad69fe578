/** Runs one RESTful technical profile over HTTP and reads the answer as B2C does. */
import type { B2cContext } from './claimResolvers';
import type { Claims, TechnicalProfile } from './policyTypes';
import { node, type PolicySet } from './policyXml';
import { buildRestRequest, type RestCallOptions, type RestRequest } from './restRequest';

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
