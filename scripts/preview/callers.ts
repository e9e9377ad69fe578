/**
 * How the preview authenticates as each caller, from the host's own settings (the host and the
 * preview run in one process, in Development only): the custom policy is rendered with the
 * caller check the host accepts (apikey, else basic, else none) and its policy keys hold the
 * host's secrets; API connectors use Basic when the host accepts it; Entra's calls carry a token
 * signed by a key of the preview's own, made at start, whose JWKS the preview serves at
 * /preview/entra-keys (point ENTRA_JWKS_URI there to have `API_AUTH=entra` check it). No
 * secret leaves in a page: panels show headers through `redactHeaders`.
 */
import { randomUUID } from 'node:crypto';
import type { JWK, KeyLike } from 'jose';
import {
  ENTRA_EVENTS_APP_ID,
  loadAuthSettings,
  type AuthSettings,
} from '../../shared/auth/settings';
import type { Env } from '../../shared/env';
import type { AuthKind } from '../policy';
import type { Credentials } from './simulators/b2c';
import { TENANT } from './simulators/entraEvents';

/** The audience used when ENTRA_API_APP_ID is not set (the host then does not check tokens). */
const PREVIEW_API_APP_ID = '7e57a11e-0000-4000-8000-00000000beef';

export interface CallerAuth {
  readonly policyAuth: AuthKind;
  readonly apiKeyHeader?: string;
  readonly policyCredentials?: Credentials;
  readonly connectorBasic?: { readonly username: string; readonly password: string };
  readonly entraTenantId: string;
  readonly entraAudience: string;
  /** Header names whose values never reach a page. */
  readonly secretHeaders: ReadonlySet<string>;
}

export function callerAuth(env: Env): CallerAuth {
  const settings: AuthSettings = loadAuthSettings(env);
  const basic = settings.basic?.credentials[0];
  const apiKey = settings.apiKey;
  const secretHeaders = new Set(['authorization', 'x-functions-key']);
  if (apiKey) secretHeaders.add(apiKey.header.toLowerCase());
  const entra = {
    entraTenantId: settings.entra?.tenantId ?? TENANT,
    entraAudience: settings.entra?.audiences[0] ?? PREVIEW_API_APP_ID,
  };
  if (apiKey && apiKey.keys[0] !== undefined) {
    return {
      policyAuth: 'apikey',
      apiKeyHeader: apiKey.header,
      policyCredentials: { apiKey: apiKey.keys[0] },
      ...(basic ? { connectorBasic: basic } : {}),
      ...entra,
      secretHeaders,
    };
  }
  if (basic) {
    return {
      policyAuth: 'basic',
      policyCredentials: basic,
      connectorBasic: basic,
      ...entra,
      secretHeaders,
    };
  }
  return { policyAuth: 'none', ...entra, secretHeaders };
}

/** Headers as a page may show them: every secret replaced by what kind of secret it was. */
export function redactHeaders(
  headers: Readonly<Record<string, string>>,
  secret: ReadonlySet<string>,
): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!secret.has(name.toLowerCase())) shown[name] = value;
    else if (/^(Basic|Bearer) /i.test(value)) shown[name] = `${value.split(' ')[0]} [redacted]`;
    else shown[name] = '[redacted]';
  }
  return shown;
}

/** The preview's stand-in for Entra's token service: one key pair, made when the host starts. */
export class EntraTokens {
  private constructor(
    private readonly key: KeyLike,
    readonly jwks: { keys: JWK[] },
    private readonly kid: string,
  ) {}

  static async create(): Promise<EntraTokens> {
    const jose = await import('jose');
    const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    const jwk = { ...(await jose.exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
    return new EntraTokens(privateKey, { keys: [jwk] }, kid);
  }

  /** A token as Entra sends to an extension: v2, issued for the tenant, azp the events app. */
  async token(auth: CallerAuth): Promise<string> {
    const jose = await import('jose');
    return new jose.SignJWT({ azp: ENTRA_EVENTS_APP_ID, tid: auth.entraTenantId, ver: '2.0' })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(`https://login.microsoftonline.com/${auth.entraTenantId}/v2.0`)
      .setAudience(auth.entraAudience)
      .setSubject(ENTRA_EVENTS_APP_ID)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('5m')
      .sign(this.key);
  }
}
