/**
 * The check of a signed JWT (RFC 6750 Bearer) against a token policy: the signature against the
 * issuer's keys (signingKeys.ts), then audience, lifetime, issuer, calling app and role. `bearer`
 * (Microsoft Entra client credentials) and `entra` (the authentication events service) are two
 * policies of this one check.
 */
import type { Signal } from '../abort';
import type { HttpRequest } from '@azure/functions';
import type { JWTPayload } from 'jose';
import { refuse, pass, type Check } from './check';
import type { BearerSettings, EntraSettings } from './settings';
import { ENTRA_EVENTS_APP_ID } from './settings';
import { SigningKeysUnavailable, type SigningKeys } from './signingKeys';

let joseModule: typeof import('jose') | undefined;

/** jose, loaded on first use: an app without a bearer or entra check never pays its import. */
export function jose(): typeof import('jose') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  joseModule ??= require('jose') as typeof import('jose');
  return joseModule;
}

function claimText(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' ? value : undefined;
}

export interface TokenPolicy {
  readonly scheme: 'bearer' | 'entra';
  readonly acceptIssuer: (issuer: string) => boolean;
  readonly audiences: readonly string[];
  /** `azp`/`appid` values accepted; empty = any. */
  readonly allowedClientIds: readonly string[];
  readonly requiredRole?: string | undefined;
  /** A delegated token (`scp`, or an `idtyp` other than `app`) passes too. */
  readonly allowUserTokens: boolean;
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
export async function checkToken(
  policy: TokenPolicy,
  keys: SigningKeys,
  request: HttpRequest,
  signal: Signal | undefined,
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
        // A token without `exp` would be valid forever.
        requiredClaims: ['exp'],
      },
    ));
  } catch (error) {
    if (error instanceof SigningKeysUnavailable) return refuse(`${name}: ${error.message}`);
    const { code, claim } = error as { code?: unknown; claim?: unknown };
    // The claim a validation failed on (exp, nbf, aud, …) tells the operator which it was.
    const which = typeof claim === 'string' && /^[a-z]{1,16}$/i.test(claim) ? ` ${claim}` : '';
    return refuse(
      `${name}: token refused (${typeof code === 'string' ? code : (error as Error).name}${which})`,
    );
  }
  if (typeof payload.iss !== 'string' || !policy.acceptIssuer(payload.iss)) {
    return refuse(`${name}: token refused (unexpected issuer)`);
  }
  if (!policy.allowUserTokens) {
    const idtyp = claimText(payload, 'idtyp');
    if (payload.scp !== undefined || (idtyp !== undefined && idtyp.toLowerCase() !== 'app')) {
      return refuse(`${name}: a user's delegated token, not an app-only one`);
    }
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

export function bearerPolicy(settings: BearerSettings): TokenPolicy {
  return {
    scheme: 'bearer',
    acceptIssuer: (issuer) => settings.issuers.includes(issuer),
    audiences: settings.audiences,
    allowedClientIds: settings.allowedClientIds,
    requiredRole: settings.requiredRole,
    allowUserTokens: settings.allowUserTokens,
    clockToleranceSeconds: settings.clockToleranceSeconds,
  };
}

/**
 * Tokens Entra issues for its authentication events service: v2 from login.microsoftonline.com
 * or the tenant's ciamlogin.com domain, or v1 from sts.windows.net, for this tenant only.
 */
export function entraPolicy(settings: EntraSettings): TokenPolicy {
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
    allowUserTokens: false,
    clockToleranceSeconds: settings.clockToleranceSeconds,
  };
}
