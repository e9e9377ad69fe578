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
