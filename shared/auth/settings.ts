/**
 * Caller-authentication settings. `API_AUTH` names the accepted checks (any one passing lets a
 * request in); each named check must have its settings, or the app refuses to start naming
 * what is missing. `none` is refused in production unless ALLOW_INSECURE_AUTH=true (B2C's own
 * AllowInsecureAuthInProduction rule). Nothing fails open.
 */
import { ConfigError } from '../configError';
import { flag, list, read, secret, type Env } from '../env';

export const AUTH_MODES = ['none', 'basic', 'apikey', 'certificate', 'bearer', 'entra'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface BasicSettings {
  /** One pair, or two during a rotation. */
  readonly credentials: readonly { readonly username: string; readonly password: string }[];
}

export interface ApiKeySettings {
  /** Lower-case header name. */
  readonly header: string;
  /** One key, or two during a rotation. */
  readonly keys: readonly string[];
}

export interface CertificateSettings {
  /** Upper-case hex SHA-1 thumbprints, no separators. */
  readonly thumbprints: readonly string[];
  readonly issuer?: string | undefined;
  readonly subject?: string | undefined;
}

export interface BearerSettings {
  /** Accepted `iss` values (e.g. the v2 `…/v2.0` and the v1 `https://sts.windows.net/{tid}/`). */
  readonly issuers: readonly string[];
  /** Where the signing keys are; else discovered from the first issuer's OpenID configuration. */
  readonly jwksUri?: string | undefined;
  readonly audiences: readonly string[];
  /** `azp`/`appid` values accepted; empty = any. */
  readonly allowedClientIds: readonly string[];
  readonly requiredRole?: string | undefined;
  /**
   * BEARER_ALLOW_USER_TOKENS: a delegated (user) token, one with `scp` or an `idtyp` other than
   * `app`, passes too. Off by default: only app-only client-credentials tokens pass.
   */
  readonly allowUserTokens: boolean;
  readonly clockToleranceSeconds: number;
}

/**
 * ENTRA_REQUEST_BUDGET_MS by default: Entra waits 1 s by default (2 s at most) for an answer.
 * The configuration and the authenticator's wait for Entra's signing keys share it.
 */
export const DEFAULT_ENTRA_BUDGET_MS = 800;

/** Microsoft Entra's authentication events service: the only caller of an extension. */
export const ENTRA_EVENTS_APP_ID = '99045fe1-7639-4a75-9d4a-577b6ca3810f';

export interface EntraSettings {
  readonly tenantId: string;
  /** The extension's API app id, and its api:// forms. */
  readonly audiences: readonly string[];
  readonly jwksUri: string;
  readonly clockToleranceSeconds: number;
}

export interface AuthSettings {
  readonly modes: readonly AuthMode[];
  readonly basic?: BasicSettings;
  readonly apiKey?: ApiKeySettings;
  readonly certificate?: CertificateSettings;
  readonly bearer?: BearerSettings;
  readonly entra?: EntraSettings;
}

function requireSetting(env: Env, mode: AuthMode, name: string): string {
  const value = secret(env, name);
  if (value === undefined) {
    throw new ConfigError(name, `is missing: API_AUTH includes '${mode}', which needs it`);
  }
  return value;
}

/**
 * Azure sets AZURE_FUNCTIONS_ENVIRONMENT only when the operator does (the host merely assumes
 * Production), so every environment but an explicit `Development` counts as production: absent,
 * Production, Staging or any other text. `npm start` and Core Tools set Development.
 */
export function isDevelopment(env: Env): boolean {
  return read(env, 'AZURE_FUNCTIONS_ENVIRONMENT')?.toLowerCase() === 'development';
}

function httpsUrl(name: string, value: string, allowHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is malformed: "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new ConfigError(name, `is malformed: "${value}" must be an https URL`);
  }
  return value;
}

export function loadAuthSettings(env: Env): AuthSettings {
  const production = !isDevelopment(env);
  const named = list(env, 'API_AUTH').map((m) => m.toLowerCase());
  if (named.length === 0) {
    if (production) {
      throw new ConfigError(
        'API_AUTH',
        'is missing: name the caller checks (basic, apikey, certificate, bearer, entra); only AZURE_FUNCTIONS_ENVIRONMENT=Development may leave it unset',
      );
    }
    named.push('none');
  }
  for (const mode of named) {
    if (!(AUTH_MODES as readonly string[]).includes(mode)) {
      throw new ConfigError(
        'API_AUTH',
        `is malformed: "${mode}" is not one of ${AUTH_MODES.join(', ')}`,
      );
    }
  }
  const modes = [...new Set(named)] as AuthMode[];
  if (
    modes.includes('none') &&
    production &&
    read(env, 'ALLOW_INSECURE_AUTH')?.toLowerCase() !== 'true'
  ) {
    throw new ConfigError(
      'API_AUTH',
      "is 'none' outside AZURE_FUNCTIONS_ENVIRONMENT=Development: configure a caller check, or set ALLOW_INSECURE_AUTH=true to accept anyone",
    );
  }

  const settings: {
    modes: AuthMode[];
    basic?: BasicSettings;
    apiKey?: ApiKeySettings;
    certificate?: CertificateSettings;
    bearer?: BearerSettings;
    entra?: EntraSettings;
  } = { modes };

  if (modes.includes('basic')) {
    const credentials = [
      {
        username: requireSetting(env, 'basic', 'BASIC_AUTH_USERNAME'),
        password: requireSetting(env, 'basic', 'BASIC_AUTH_PASSWORD'),
      },
    ];
    const username2 = secret(env, 'BASIC_AUTH_USERNAME_2');
    const password2 = secret(env, 'BASIC_AUTH_PASSWORD_2');
    if ((username2 === undefined) !== (password2 === undefined)) {
      throw new ConfigError(
        username2 === undefined ? 'BASIC_AUTH_USERNAME_2' : 'BASIC_AUTH_PASSWORD_2',
        'is missing: the second (rotation) pair needs both a username and a password',
      );
    }
    if (username2 !== undefined && password2 !== undefined) {
      credentials.push({ username: username2, password: password2 });
    }
    for (const { username } of credentials) {
      if (username.includes(':')) {
        throw new ConfigError(
          'BASIC_AUTH_USERNAME',
          'is malformed: a Basic user-id cannot contain ":"',
        );
      }
    }
    settings.basic = { credentials };
  }

  if (modes.includes('apikey')) {
    const header = (read(env, 'API_KEY_HEADER') ?? 'x-api-key').toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(header)) {
      throw new ConfigError('API_KEY_HEADER', `is malformed: "${header}" is not a header name`);
    }
    const keys = requireSetting(env, 'apikey', 'API_KEY')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
    if (keys.length === 0 || keys.length > 2) {
      throw new ConfigError(
        'API_KEY',
        'is malformed: give one key, or two (comma-separated) during a rotation',
      );
    }
    if (keys.some((k) => k.length < 16)) {
      throw new ConfigError('API_KEY', 'is malformed: a key must be at least 16 characters long');
    }
    settings.apiKey = { header, keys };
  }

  if (modes.includes('certificate')) {
    const thumbprints = list(env, 'CLIENT_CERT_THUMBPRINTS').map((t) =>
      t.replace(/[\s:]/g, '').toUpperCase(),
    );
    if (thumbprints.length === 0) {
      throw new ConfigError(
        'CLIENT_CERT_THUMBPRINTS',
        "is missing: API_AUTH includes 'certificate', which needs it",
      );
    }
    for (const t of thumbprints) {
      if (!/^[0-9A-F]{40}$/.test(t)) {
        throw new ConfigError(
          'CLIENT_CERT_THUMBPRINTS',
          `is malformed: "${t}" is not a SHA-1 thumbprint (40 hex digits)`,
        );
      }
    }
    settings.certificate = {
      thumbprints,
      issuer: read(env, 'CLIENT_CERT_ISSUER'),
      subject: read(env, 'CLIENT_CERT_SUBJECT'),
    };
  }

  if (modes.includes('bearer')) {
    const allowHttp = !production; // local JWKS servers in tests and development
    const issuers = list(env, 'BEARER_ISSUER').map((i) => httpsUrl('BEARER_ISSUER', i, allowHttp));
    if (issuers.length === 0) {
      throw new ConfigError(
        'BEARER_ISSUER',
        "is missing: API_AUTH includes 'bearer', which needs it",
      );
    }
    const audiences = list(env, 'BEARER_AUDIENCE');
    if (audiences.length === 0) {
      throw new ConfigError(
        'BEARER_AUDIENCE',
        "is missing: API_AUTH includes 'bearer', which needs it",
      );
    }
    const jwksText = read(env, 'BEARER_JWKS_URI');
    const jwksUri =
      jwksText === undefined ? undefined : httpsUrl('BEARER_JWKS_URI', jwksText, allowHttp);
    const allowedClientIds = list(env, 'BEARER_ALLOWED_CLIENT_IDS').map((c) => c.toLowerCase());
    const requiredRole = read(env, 'BEARER_REQUIRED_ROLE');
    // Without either, any app of the issuer's tenant with a token for the audience would pass.
    if (production && allowedClientIds.length === 0 && requiredRole === undefined) {
      throw new ConfigError(
        'BEARER_ALLOWED_CLIENT_IDS',
        "is missing: API_AUTH includes 'bearer', which outside AZURE_FUNCTIONS_ENVIRONMENT=Development needs BEARER_ALLOWED_CLIENT_IDS (the B2C caller's app id) or BEARER_REQUIRED_ROLE (an app role only it holds)",
      );
    }
    settings.bearer = {
      issuers,
      jwksUri,
      audiences,
      allowedClientIds,
      requiredRole,
      allowUserTokens: flag(env, 'BEARER_ALLOW_USER_TOKENS', false),
      clockToleranceSeconds: 60,
    };
  }
  if (modes.includes('entra')) {
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const tenantId = requireSetting(env, 'entra', 'ENTRA_TENANT_ID').trim().toLowerCase();
    if (!guid.test(tenantId)) {
      throw new ConfigError('ENTRA_TENANT_ID', 'is malformed: expected the tenant id, a GUID');
    }
    const appId = requireSetting(env, 'entra', 'ENTRA_API_APP_ID').trim().toLowerCase();
    if (!guid.test(appId)) {
      throw new ConfigError(
        'ENTRA_API_APP_ID',
        "is malformed: expected the extension API's application (client) id, a GUID",
      );
    }
    const jwksUri = read(env, 'ENTRA_JWKS_URI');
    settings.entra = {
      tenantId,
      audiences: [appId, `api://${appId}`],
      jwksUri:
        jwksUri === undefined
          ? `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`
          : httpsUrl('ENTRA_JWKS_URI', jwksUri, !production),
      clockToleranceSeconds: 60,
    };
  }
  return Object.freeze(settings);
}
