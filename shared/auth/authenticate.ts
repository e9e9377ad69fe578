/**
 * Caller authentication, as B2C can call: Basic (RFC 7617), an API key header (B2C's
 * ApiKeyHeader), a client certificate as App Service forwards it (X-ARR-ClientCert), or a Bearer
 * JWT from Microsoft Entra client credentials. A request passes when any configured check
 * passes. Every comparison of a secret is constant-time; reasons for a refusal name what was
 * wrong, never the secret.
 */
import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { HttpRequest } from '@azure/functions';
import type { JWTPayload } from 'jose';
import { boundedSignal } from '../abort';
import { signingKeys, SigningKeysUnavailable, type SigningKeys } from './signingKeys';
import type {
  ApiKeySettings,
  AuthMode,
  AuthSettings,
  BasicSettings,
  BearerSettings,
  CertificateSettings,
  EntraSettings,
} from './settings';
import { ENTRA_EVENTS_APP_ID } from './settings';

export type AuthOutcome =
  | { readonly ok: true; readonly mode: AuthMode }
  | {
      readonly ok: false;
      /** Why each configured check refused, for the log (no secrets). */
      readonly reasons: readonly string[];
      /** WWW-Authenticate challenges of the configured schemes. */
      readonly challenges: readonly string[];
    };

export interface Authenticator {
  /** Checks the caller; `signal` is the request's deadline (a wait for signing keys ends there). */
  authenticate(request: HttpRequest, signal?: AbortSignal): Promise<AuthOutcome>;
  /** Stops the background refresh of signing keys. */
  close(): void;
}

type Check = { ok: true } | { ok: false; reason: string };
const pass: Check = { ok: true };
const refuse = (reason: string): Check => ({ ok: false, reason });

/** Equal texts, compared in constant time whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** RFC 7617: `Basic base64(user-id ":" password)`, UTF-8; the password may contain ":". */
export function parseBasic(
  header: string | null,
): { username: string; password: string } | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    decoded = UTF8.decode(Buffer.from(match[1], 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function checkBasic(settings: BasicSettings, request: HttpRequest): Check {
  const given = parseBasic(request.headers.get('authorization'));
  if (given === undefined) return refuse('basic: no Basic credentials');
  let matched = false;
  for (const expected of settings.credentials) {
    // Both comparisons always run: no early exit that would tell which part was wrong.
    const user = sameSecret(given.username, expected.username);
    const password = sameSecret(given.password, expected.password);
    matched = (user && password) || matched;
  }
  return matched ? pass : refuse('basic: wrong username or password');
}

function checkApiKey(settings: ApiKeySettings, request: HttpRequest): Check {
  const given = request.headers.get(settings.header);
  if (given === null || given === '') return refuse(`apikey: no ${settings.header} header`);
  let matched = false;
  for (const key of settings.keys) matched = sameSecret(given, key) || matched;
  return matched ? pass : refuse(`apikey: wrong key in ${settings.header}`);
}

function commonName(distinguishedName: string): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(distinguishedName)?.[1];
}

function nameMatches(expected: string, distinguishedName: string): boolean {
  const wanted = expected.toLowerCase();
  return (
    commonName(distinguishedName)?.toLowerCase() === wanted ||
    distinguishedName.split('\n').join(', ').toLowerCase() === wanted
  );
}

function checkCertificate(settings: CertificateSettings, request: HttpRequest, now: Date): Check {
  const header = request.headers.get('x-arr-clientcert');
  if (header === null || header.trim() === '')
    return refuse('certificate: no X-ARR-ClientCert header');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(header.trim(), 'base64'));
  } catch {
    return refuse('certificate: X-ARR-ClientCert is not a base64 DER certificate');
  }
  const thumbprint = certificate.fingerprint.replace(/:/g, '').toUpperCase();
  let known = false;
  for (const allowed of settings.thumbprints) known = sameSecret(thumbprint, allowed) || known;
  if (!known)
    return refuse(`certificate: thumbprint ${thumbprint} is not in CLIENT_CERT_THUMBPRINTS`);
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    return refuse(
      `certificate: ${thumbprint} is outside its validity (${certificate.validFrom} to ${certificate.validTo})`,
    );
  }
  if (settings.issuer !== undefined && !nameMatches(settings.issuer, certificate.issuer)) {
    return refuse(`certificate: ${thumbprint} has another issuer than CLIENT_CERT_ISSUER`);
  }
  if (settings.subject !== undefined && !nameMatches(settings.subject, certificate.subject)) {
    return refuse(`certificate: ${thumbprint} has another subject than CLIENT_CERT_SUBJECT`);
  }
  return pass;
}

let joseModule: typeof import('jose') | undefined;

/** jose, loaded on first use: an app without a bearer or entra check never pays its import. */
function jose(): typeof import('jose') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  joseModule ??= require('jose') as typeof import('jose');
  return joseModule;
}

function claimText(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' ? value : undefined;
}

interface TokenPolicy {
  readonly scheme: 'bearer' | 'entra';
  readonly acceptIssuer: (issuer: string) => boolean;
  readonly audiences: readonly string[];
  /** `azp`/`appid` values accepted; empty = any. */
  readonly allowedClientIds: readonly string[];
  readonly requiredRole?: string | undefined;
  readonly clockToleranceSeconds: number;
}

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];

/** A signed JWT from the Authorization header, checked against the policy. */
async function checkToken(
  policy: TokenPolicy,
  keys: SigningKeys,
  request: HttpRequest,
  signal: AbortSignal | undefined,
): Promise<Check> {
  const name = policy.scheme;
  const match = /^Bearer[ ]+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)[ ]*$/i.exec(
    request.headers.get('authorization') ?? '',
  );
  if (!match?.[1]) return refuse(`${name}: no Bearer token`);
  let payload: JWTPayload;
  try {
    ({ payload } = await jose().jwtVerify(
      match[1],
      (header, token) => keys.keyFor(header, token, signal),
      {
        audience: [...policy.audiences],
        clockTolerance: policy.clockToleranceSeconds,
        algorithms: ASYMMETRIC,
      },
    ));
  } catch (error) {
    if (error instanceof SigningKeysUnavailable) return refuse(`${name}: ${error.message}`);
    const code = (error as { code?: unknown }).code;
    return refuse(
      `${name}: token refused (${typeof code === 'string' ? code : (error as Error).name})`,
    );
  }
  if (typeof payload.iss !== 'string' || !policy.acceptIssuer(payload.iss)) {
    return refuse(`${name}: token refused (unexpected issuer)`);
  }
  if (policy.allowedClientIds.length > 0) {
    const client = (claimText(payload, 'azp') ?? claimText(payload, 'appid'))?.toLowerCase();
    if (client === undefined || !policy.allowedClientIds.includes(client)) {
      return refuse(`${name}: azp/appid is not an allowed client`);
    }
  }
  if (policy.requiredRole !== undefined) {
    const roles = payload.roles;
    if (!Array.isArray(roles) || !roles.includes(policy.requiredRole)) {
      return refuse(`${name}: the token lacks the role BEARER_REQUIRED_ROLE`);
    }
  }
  return pass;
}

function bearerPolicy(settings: BearerSettings): TokenPolicy {
  return {
    scheme: 'bearer',
    acceptIssuer: (issuer) => settings.issuers.includes(issuer),
    audiences: settings.audiences,
    allowedClientIds: settings.allowedClientIds,
    requiredRole: settings.requiredRole,
    clockToleranceSeconds: settings.clockToleranceSeconds,
  };
}

/**
 * Tokens Entra issues for its authentication events service: v2 from login.microsoftonline.com
 * or the tenant's ciamlogin.com domain, or v1 from sts.windows.net, for this tenant only.
 */
function entraPolicy(settings: EntraSettings): TokenPolicy {
  const tid = settings.tenantId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const issuers = [
    new RegExp(`^https://login\\.microsoftonline\\.com/${tid}/v2\\.0$`, 'i'),
    new RegExp(`^https://[a-z0-9-]+\\.ciamlogin\\.com/${tid}/v2\\.0$`, 'i'),
    new RegExp(`^https://sts\\.windows\\.net/${tid}/$`, 'i'),
  ];
  return {
    scheme: 'entra',
    acceptIssuer: (issuer) => issuers.some((pattern) => pattern.test(issuer)),
    audiences: settings.audiences,
    allowedClientIds: [ENTRA_EVENTS_APP_ID],
    clockToleranceSeconds: settings.clockToleranceSeconds,
  };
}

export interface AuthenticatorOptions {
  readonly clock?: () => Date;
  /** Least time between two JWKS fetches for unknown `kid`s (default 30 s). */
  readonly jwksCooldownMs?: number;
  /**
   * How long the entra check may wait for the tenant's signing keys (ENTRA_REQUEST_BUDGET_MS):
   * only Entra calls pass it, and Entra waits no longer.
   */
  readonly entraBudgetMs?: number;
}

export function createAuthenticator(
  settings: AuthSettings,
  options: AuthenticatorOptions = {},
): Authenticator {
  const clock = options.clock ?? (() => new Date());
  const cooldownMs = options.jwksCooldownMs ?? 30_000;
  // Fetched now, at app start, and refreshed in the background.
  const keys = settings.bearer
    ? signingKeys({
        source:
          settings.bearer.jwksUri !== undefined
            ? { jwksUri: settings.bearer.jwksUri }
            : { issuer: settings.bearer.issuers[0] ?? '' },
        cooldownMs,
        jose,
      })
    : undefined;
  const entraKeys = settings.entra
    ? signingKeys({ source: { jwksUri: settings.entra.jwksUri }, cooldownMs, jose })
    : undefined;
  const challenges: string[] = [];
  if (settings.basic) challenges.push('Basic realm="b2c-claims-api", charset="UTF-8"');
  if (settings.bearer || settings.entra) challenges.push('Bearer realm="b2c-claims-api"');

  const run = async (
    mode: AuthMode,
    request: HttpRequest,
    signal: AbortSignal | undefined,
  ): Promise<Check> => {
    switch (mode) {
      case 'none':
        return pass;
      case 'basic':
        return settings.basic
          ? checkBasic(settings.basic, request)
          : refuse('basic: not configured');
      case 'apikey':
        return settings.apiKey
          ? checkApiKey(settings.apiKey, request)
          : refuse('apikey: not configured');
      case 'certificate':
        return settings.certificate
          ? checkCertificate(settings.certificate, request, clock())
          : refuse('certificate: not configured');
      case 'bearer':
        return settings.bearer && keys
          ? checkToken(bearerPolicy(settings.bearer), keys, request, signal)
          : refuse('bearer: not configured');
      case 'entra': {
        if (!settings.entra || !entraKeys) return refuse('entra: not configured');
        const wait = boundedSignal(
          signal,
          options.entraBudgetMs ?? 2000,
          () => new Error('no signing keys within ENTRA_REQUEST_BUDGET_MS'),
        );
        try {
          return await checkToken(entraPolicy(settings.entra), entraKeys, request, wait.signal);
        } finally {
          wait.dispose();
        }
      }
    }
  };

  return {
    async authenticate(request, signal) {
      const reasons: string[] = [];
      for (const mode of settings.modes) {
        const check = await run(mode, request, signal);
        if (check.ok) return { ok: true, mode };
        reasons.push(check.reason);
      }
      return { ok: false, reasons, challenges };
    },
    close() {
      keys?.close();
      entraKeys?.close();
    },
  };
}
