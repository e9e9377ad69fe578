/** B2C's claim resolvers ({Culture:LCID}, {Context:CorrelationId}, …), as the simulator models them. */
import type { Claims } from './policyTypes';

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
