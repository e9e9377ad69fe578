/**
 * Caller authentication, as B2C can call: Basic (RFC 7617), an API key header (B2C's
 * ApiKeyHeader), a client certificate as App Service forwards it (X-ARR-ClientCert), or a Bearer
 * JWT from Microsoft Entra client credentials. A request passes when any configured check
 * passes. Every comparison of a secret is constant-time; reasons for a refusal name what was
 * wrong, never the secret.
 */
import type { HttpRequest } from '@azure/functions';
import { boundedSignal, type Signal } from '../abort';
import { pass, refuse, type Check } from './check';
import { checkApiKey, checkBasic, checkCertificate } from './secretChecks';
import { DEFAULT_ENTRA_BUDGET_MS, ENTRA_EVENTS_APP_ID } from './settings';
import type { AuthMode, AuthSettings } from './settings';
import { signingKeys } from './signingKeys';
import { bearerPolicy, checkToken, entraPolicy, jose } from './tokenCheck';

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
  authenticate(request: HttpRequest, signal?: Signal): Promise<AuthOutcome>;
  /** Stops the background refresh of signing keys. */
  close(): void;
}

export interface AuthenticatorOptions {
  readonly clock?: () => Date;
  /** Least time between two JWKS fetches for unknown `kid`s (default 30 s). */
  readonly jwksCooldownMs?: number;
  /**
   * How long the entra check may wait for the tenant's signing keys (ENTRA_REQUEST_BUDGET_MS,
   * by default its default): only Entra calls pass it, and Entra waits no longer.
   */
  readonly entraBudgetMs?: number;
}

/** Whether the bearer token, unverified, names Entra's authentication events service as its app. */
function fromEntraEvents(request: HttpRequest): boolean {
  const token = /^Bearer[ ]+(\S+)/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (token === undefined) return false;
  try {
    const payload = jose().decodeJwt(token);
    return (payload.azp ?? payload.appid) === ENTRA_EVENTS_APP_ID;
  } catch {
    return false;
  }
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
    signal: Signal | undefined,
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
          options.entraBudgetMs ?? DEFAULT_ENTRA_BUDGET_MS,
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

  // A token Entra issued to its authentication events service is checked by the entra rule
  // first: another check's wait (a cold bearer key fetch) must not spend Entra's budget.
  const entraFirst: readonly AuthMode[] = ['entra', ...settings.modes.filter((m) => m !== 'entra')];
  const order = (request: HttpRequest): readonly AuthMode[] =>
    settings.entra && settings.modes.length > 1 && fromEntraEvents(request)
      ? entraFirst
      : settings.modes;

  return {
    async authenticate(request, signal) {
      const reasons: string[] = [];
      for (const mode of order(request)) {
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
