/** Rendering the templates for one tenant and one Function App. */
import { AUTH, DEFAULT_API_KEY_HEADER, type PolicyKey } from './authKinds';
import {
  DEFAULT_BASE_POLICY,
  FUNCTIONS,
  Placeholder,
  PolicyFile,
  RESTFUL_HANDLER,
  RenderOptions,
  Rendering,
  TEMPLATE_AUDIENCE,
  TEMPLATE_TENANT,
  TEMPLATE_TENANT_OBJECT_ID,
  TemplateError,
} from './model';
import { escapeXml, metadataItems, setMetadata, usesClaimResolvers } from './xml';

// ---------------------------------------------------------------------------------------------
// Rendering

/** The URL of one function under the base URL (…/api/<function>; `/api` is not doubled). */
export function functionUrl(baseUrl: string, functionName: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/api$/i.test(base) ? `${base}/${functionName}` : `${base}/api/${functionName}`;
}

export interface ProfileRendering {
  readonly xml: string;
  readonly id: string;
  readonly serviceUrl: string;
}

export function renderRestProfile(
  profile: string,
  options: RenderOptions,
  keys: readonly PolicyKey[],
): ProfileRendering {
  const id = /<TechnicalProfile\b[^>]*\bId="([^"]+)"/.exec(profile)?.[1] ?? '(no Id)';
  const metadata = /(\n([ \t]*)<Metadata>)([\s\S]*?)(\n[ \t]*<\/Metadata>)/.exec(profile);
  if (metadata === null) throw new TemplateError(`${id}: a RESTful profile needs <Metadata>`);
  const [whole, open = '', indent = '', body = '', close = ''] = metadata;

  const current = new Map(metadataItems(profile).map((item) => [item.key, item.value]));
  const templateUrl = current.get('ServiceUrl');
  if (templateUrl === undefined) throw new TemplateError(`${id}: no ServiceUrl metadata item`);
  const functionName = (() => {
    try {
      return new URL(templateUrl).pathname.split('/').filter(Boolean).pop() ?? '';
    } catch {
      return '';
    }
  })();
  if (!FUNCTIONS.has(functionName)) {
    throw new TemplateError(
      `${id}: ServiceUrl ${templateUrl} does not name a function (${[...FUNCTIONS].join(', ')})`,
    );
  }
  const serviceUrl = functionUrl(options.baseUrl, functionName);
  const newBody = setMetadata(body, [
    ['ServiceUrl', serviceUrl],
    ['SendClaimsIn', options.sendClaimsIn ?? current.get('SendClaimsIn') ?? 'Body'],
    ['AuthenticationType', AUTH[options.auth].authenticationType],
    ['AllowInsecureAuthInProduction', options.auth === 'none' ? 'true' : undefined],
    ['IncludeClaimResolvingInClaimsHandling', usesClaimResolvers(profile) ? 'true' : undefined],
  ]);

  const cryptographicKeys =
    keys.length === 0
      ? ''
      : `\n${indent}<CryptographicKeys>` +
        keys
          .map(
            (k) =>
              `\n${indent}  <Key Id="${escapeXml(k.keyId)}" StorageReferenceId="${k.storageReferenceId}" />`,
          )
          .join('') +
        `\n${indent}</CryptographicKeys>`;
  let xml = profile.replace(whole, `${open}${newBody}${close}`);
  xml = xml.replace(/\n[ \t]*<CryptographicKeys>[\s\S]*?<\/CryptographicKeys>/, '');
  xml = xml.replace(/(\n[ \t]*<\/Metadata>)/, `$1${cryptographicKeys}`);
  return { xml, id, serviceUrl };
}

export const PLACEHOLDERS: readonly {
  readonly pattern: RegExp;
  readonly text: string;
  readonly option: string;
  readonly meaning: string;
  readonly value: (o: RenderOptions) => string | undefined;
}[] = [
  {
    pattern: /\byourtenant\.(onmicrosoft|b2clogin)\.com\b/g,
    text: `${TEMPLATE_TENANT}.onmicrosoft.com`,
    option: '--tenant',
    meaning: 'your B2C tenant',
    value: (o) => o.tenant,
  },
  {
    pattern: /\bProxyIdentityExperienceFrameworkAppId\b/g,
    text: 'ProxyIdentityExperienceFrameworkAppId',
    option: '--proxy-ief-app-id',
    meaning: 'application ID of the ProxyIdentityExperienceFramework app registration',
    value: (o) => o.proxyIefAppId,
  },
  {
    pattern: /\bIdentityExperienceFrameworkAppId\b/g,
    text: 'IdentityExperienceFrameworkAppId',
    option: '--ief-app-id',
    meaning: 'application ID of the IdentityExperienceFramework app registration',
    value: (o) => o.iefAppId,
  },
  {
    pattern: /\bfacebook_clientid\b/g,
    text: 'facebook_clientid',
    option: '--facebook-client-id',
    meaning: 'your Facebook app ID (or keep it with a dummy B2C_1A_FacebookSecret)',
    value: (o) => o.facebookClientId,
  },
  {
    pattern: new RegExp(`\\b${TEMPLATE_TENANT_OBJECT_ID}\\b`, 'g'),
    text: TEMPLATE_TENANT_OBJECT_ID,
    option: '--tenant-id',
    meaning: 'your tenant ID, in the issuer the UserInfo endpoint accepts',
    value: (o) => o.tenantId,
  },
  {
    pattern: new RegExp(TEMPLATE_AUDIENCE.replace(/[[\]]/g, '\\$&'), 'g'),
    text: '22222222-2222-2222-2222-222222222222',
    option: '--app-id',
    meaning: 'the application IDs whose access tokens the UserInfo endpoint accepts',
    value: (o) =>
      o.appIds === undefined || o.appIds.length === 0
        ? undefined
        : `[ ${o.appIds.map((id) => JSON.stringify(id)).join(', ')} ]`,
  },
];

export function replacePlaceholder(
  xml: string,
  placeholder: (typeof PLACEHOLDERS)[number],
  value: string,
): string {
  if (placeholder.option === '--tenant') {
    return xml.replace(placeholder.pattern, (_match, host: string) => `${value}.${host}.com`);
  }
  return xml.replace(placeholder.pattern, value);
}

export function policyIdOf(xml: string): string | undefined {
  return /<TrustFrameworkPolicy\b[^>]*\bPolicyId="([^"]+)"/.exec(xml)?.[1];
}

/** Renders one template. */
export function renderPolicy(
  xml: string,
  options: RenderOptions,
): { xml: string; serviceUrls: Record<string, string> } {
  const keys = AUTH[options.auth].keys(options.apiKeyHeader ?? DEFAULT_API_KEY_HEADER);
  const serviceUrls: Record<string, string> = {};
  let out = xml.replace(/<TechnicalProfile\b[^>]*>[\s\S]*?<\/TechnicalProfile>/g, (profile) => {
    if (!profile.includes(RESTFUL_HANDLER)) return profile;
    const rendered = renderRestProfile(profile, options, keys);
    serviceUrls[rendered.id] = rendered.serviceUrl;
    return rendered.xml;
  });
  if (policyIdOf(out) === 'B2C_1A_TrustFrameworkExtensions') {
    out = out.replace(
      /(<BasePolicy>[\s\S]*?<PolicyId>)[^<]*(<\/PolicyId>)/,
      `$1${options.basePolicy ?? DEFAULT_BASE_POLICY}$2`,
    );
  }
  for (const placeholder of PLACEHOLDERS) {
    const value = placeholder.value(options);
    if (value !== undefined) out = replacePlaceholder(out, placeholder, value);
  }
  return { xml: out, serviceUrls };
}

/** The extensions policy first, then the relying parties, by name: the upload order. */
export function uploadOrder(files: readonly PolicyFile[]): PolicyFile[] {
  const rank = (f: PolicyFile): number =>
    policyIdOf(f.xml) === 'B2C_1A_TrustFrameworkExtensions' ? 0 : 1;
  return [...files].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** Renders every template and says what is left to do. */
export function renderPolicies(
  templates: readonly PolicyFile[],
  options: RenderOptions,
): Rendering {
  const files: PolicyFile[] = [];
  const serviceUrls: Record<string, string> = {};
  for (const template of uploadOrder(templates)) {
    const rendered = renderPolicy(template.xml, options);
    files.push({ name: template.name, xml: rendered.xml });
    Object.assign(serviceUrls, rendered.serviceUrls);
  }
  if (Object.keys(serviceUrls).length === 0) {
    throw new TemplateError('no RESTful technical profile found in the templates');
  }
  const placeholders: Placeholder[] = [];
  for (const placeholder of PLACEHOLDERS) {
    const holding = files
      .filter((f) => new RegExp(placeholder.pattern.source).test(f.xml))
      .map((f) => f.name);
    if (holding.length > 0) placeholders.push({ ...placeholder, files: holding });
  }
  const warnings: string[] = [];
  if (options.auth === 'none') {
    warnings.push(
      '--auth none: B2C calls the API without any credentials, and the policy sets ' +
        'AllowInsecureAuthInProduction to true so that B2C accepts it. Anyone who knows the URL ' +
        'can ask the API about loyalty members and balances. Use it only with a development ' +
        'tenant; choose basic, apikey, certificate or bearer for production.',
    );
  }
  if (options.sendClaimsIn === 'QueryString') {
    warnings.push(
      '--send-claims-in QueryString: the email address and loyalty ID travel in the URL and end up ' +
        'in web server and proxy logs. Body is the recommended way.',
    );
  }
  if (options.sendClaimsIn === 'Header') {
    warnings.push(
      '--send-claims-in Header: HTTP headers carry only ASCII, so an email address with non-ASCII ' +
        'characters cannot be sent. Body is the recommended way.',
    );
  }
  if (options.auth === 'bearer') {
    warnings.push(
      '--auth bearer: B2C sends the policy key B2C_1A_RestApiBearerToken as it is, and the API ' +
        '(API_AUTH=bearer) checks it as a Microsoft Entra token, expiry included: a static token ' +
        'stops working when it expires (about an hour for an Entra access token). For production, ' +
        'obtain the token per sign-in with client credentials (REST-AcquireAccessToken and ' +
        'UseClaimAsBearerToken, policies/README.md), or use certificate or apikey.',
    );
  }
  const apiKeyHeader = options.apiKeyHeader ?? DEFAULT_API_KEY_HEADER;
  return {
    files,
    policyKeys: AUTH[options.auth].keys(apiKeyHeader),
    appSettings: AUTH[options.auth].appSettings(apiKeyHeader),
    placeholders,
    warnings,
    serviceUrls,
  };
}
