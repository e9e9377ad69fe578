/**
 * `npm run policy -- --base-url https://<app>.azurewebsites.net --auth <kind> [--tenant <name>]`:
 * renders the custom-policy templates in policies/*.xml for one tenant and one Function App.
 *
 * In every RESTful technical profile it sets ServiceUrl (…/api/<function>, the function named by
 * the template's ServiceUrl), SendClaimsIn, AuthenticationType and its CryptographicKeys (the
 * policy keys Microsoft documents), IncludeClaimResolvingInClaimsHandling where an input claim
 * uses a claim resolver, and AllowInsecureAuthInProduction only with `--auth none`. It replaces the
 * tenant and the other placeholders it is given, and reports those left to fill in.
 *
 * The renderer works on the template text (no XML library at run time: the tool needs only the
 * app's own dependencies); the test suite checks every rendering against Microsoft's XSD.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const AUTH_KINDS = ['basic', 'apikey', 'certificate', 'bearer', 'none'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

export const SEND_CLAIMS_IN = ['Body', 'Form', 'QueryString', 'Header'] as const;
export type SendClaimsIn = (typeof SEND_CLAIMS_IN)[number];

/** A policy key the rendered policy references: create it before uploading. */
export interface PolicyKey {
  /** The Key Id in the technical profile (for ApiKeyHeader, the HTTP header name). */
  readonly keyId: string;
  readonly storageReferenceId: string;
  /** How to create it (Identity Experience Framework → Policy keys → Add). */
  readonly howTo: string;
}

interface AuthSpec {
  readonly authenticationType: string;
  readonly keys: (apiKeyHeader: string) => readonly PolicyKey[];
  /** The Function App settings that make the API accept what B2C sends (README, Settings). */
  readonly appSettings: (apiKeyHeader: string) => readonly string[];
}

/** The policy sends no Functions key (it would need `?code=` in the ServiceUrl, which leaks). */
const ANONYMOUS_FUNCTIONS = 'FUNCTIONS_AUTH_LEVEL=anonymous (the policy sends no Functions key)';

export const DEFAULT_API_KEY_HEADER = 'x-api-key';

/** Policy key names as in Microsoft's "Secure your API used an API connector in Azure AD B2C". */
export const AUTH: Readonly<Record<AuthKind, AuthSpec>> = {
  basic: {
    authenticationType: 'Basic',
    keys: () => [
      {
        keyId: 'BasicAuthenticationUsername',
        storageReferenceId: 'B2C_1A_RestApiUsername',
        howTo: 'Manual, key usage Encryption: the user name the API accepts',
      },
      {
        keyId: 'BasicAuthenticationPassword',
        storageReferenceId: 'B2C_1A_RestApiPassword',
        howTo: 'Manual, key usage Encryption: the password the API accepts',
      },
    ],
    appSettings: () => [
      'API_AUTH=basic',
      'BASIC_AUTH_USERNAME, BASIC_AUTH_PASSWORD = the values of B2C_1A_RestApiUsername, B2C_1A_RestApiPassword',
      ANONYMOUS_FUNCTIONS,
    ],
  },
  apikey: {
    authenticationType: 'ApiKeyHeader',
    keys: (header) => [
      {
        keyId: header,
        storageReferenceId: 'B2C_1A_RestApiKey',
        howTo: `Manual, key usage Encryption: the API key, sent in the ${header} header`,
      },
    ],
    appSettings: (header) =>
      header === 'x-functions-key'
        ? [
            'FUNCTIONS_AUTH_LEVEL=function (the default): B2C_1A_RestApiKey holds a function key (Function App → App keys)',
            'API_AUTH=apikey, API_KEY_HEADER=x-functions-key, API_KEY = the same key (the app checks it too)',
          ]
        : [
            'API_AUTH=apikey',
            ...(header === DEFAULT_API_KEY_HEADER ? [] : [`API_KEY_HEADER=${header}`]),
            'API_KEY = the value of B2C_1A_RestApiKey (at least 16 characters)',
            ANONYMOUS_FUNCTIONS,
          ],
  },
  certificate: {
    authenticationType: 'ClientCertificate',
    keys: () => [
      {
        keyId: 'ClientCertificate',
        storageReferenceId: 'B2C_1A_RestApiClientCertificate',
        howTo: 'Upload: the client certificate as a .pfx with its private key, and its password',
      },
    ],
    appSettings: () => [
      'API_AUTH=certificate',
      'CLIENT_CERT_THUMBPRINTS = the SHA-1 thumbprint of that certificate',
      'Function App → Configuration → Incoming client certificates: Required',
      ANONYMOUS_FUNCTIONS,
    ],
  },
  bearer: {
    authenticationType: 'Bearer',
    keys: () => [
      {
        keyId: 'BearerAuthenticationToken',
        storageReferenceId: 'B2C_1A_RestApiBearerToken',
        howTo: 'Manual, key usage Encryption: a bearer token the API accepts (sent as is)',
      },
    ],
    appSettings: () => [
      'API_AUTH=bearer',
      'BEARER_ISSUER, BEARER_AUDIENCE (and BEARER_ALLOWED_CLIENT_IDS) = what the token carries',
      ANONYMOUS_FUNCTIONS,
    ],
  },
  none: {
    authenticationType: 'None',
    keys: () => [],
    appSettings: () => [
      'API_AUTH=none (in production also ALLOW_INSECURE_AUTH=true)',
      ANONYMOUS_FUNCTIONS,
    ],
  },
};

export const DEFAULT_BASE_POLICY = 'B2C_1A_TrustFrameworkLocalization';

/** Everything a rendering depends on, validated. */
export interface RenderOptions {
  /** Absolute base URL without a trailing slash, e.g. https://contoso-b2c.azurewebsites.net */
  readonly baseUrl: string;
  readonly auth: AuthKind;
  /** The tenant name, e.g. `contoso` for contoso.onmicrosoft.com. */
  readonly tenant?: string | undefined;
  readonly sendClaimsIn?: SendClaimsIn | undefined;
  readonly apiKeyHeader?: string | undefined;
  /** The PolicyId the extensions policy inherits from. */
  readonly basePolicy?: string | undefined;
  /** The tenant's ID (a GUID): the issuer the UserInfo endpoint accepts. */
  readonly tenantId?: string | undefined;
  /** Application IDs whose access tokens the UserInfo endpoint accepts. */
  readonly appIds?: readonly string[] | undefined;
  readonly iefAppId?: string | undefined;
  readonly proxyIefAppId?: string | undefined;
  readonly facebookClientId?: string | undefined;
}

export interface PolicyFile {
  readonly name: string;
  readonly xml: string;
}

/** A placeholder still in the rendered files, and the option that fills it. */
export interface Placeholder {
  readonly text: string;
  readonly option: string;
  readonly meaning: string;
  readonly files: readonly string[];
}

export interface Rendering {
  readonly files: readonly PolicyFile[];
  readonly policyKeys: readonly PolicyKey[];
  readonly appSettings: readonly string[];
  readonly placeholders: readonly Placeholder[];
  readonly warnings: readonly string[];
  /** technical profile → ServiceUrl */
  readonly serviceUrls: Readonly<Record<string, string>>;
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A template the renderer cannot make sense of (a broken edit of policies/*.xml). */
export class TemplateError extends Error {}

export const TEMPLATE_TENANT = 'yourtenant';
export const TEMPLATE_BASE_URL = 'https://your-app.azurewebsites.net';
const TEMPLATE_TENANT_OBJECT_ID = '11111111-1111-1111-1111-111111111111';
const TEMPLATE_AUDIENCE = '[ "22222222-2222-2222-2222-222222222222" ]';

const FUNCTIONS = new Set(['ValidateProfile', 'GetProfile', 'EnrichToken']);
const RESTFUL_HANDLER = 'Web.TPEngine.Providers.RestfulProvider';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HTTP_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

// ---------------------------------------------------------------------------------------------
// Options

/** The base URL B2C will call: https (http only for a loopback host, for local tests). */
export function parseBaseUrl(text: string): { url: string; warning?: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new UsageError(
      `--base-url '${text}' is not an absolute URL (e.g. https://contoso-b2c.azurewebsites.net)`,
    );
  }
  const loopback = LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(`--base-url must be https:// (B2C calls only HTTPS endpoints): '${text}'`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError('--base-url must not carry credentials: choose them with --auth');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError(
      '--base-url must not have a query string or fragment. A function key in ?code=… can be shown ' +
        'to users in B2C error messages: send it as a policy key instead ' +
        '(--auth apikey --api-key-header x-functions-key).',
    );
  }
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return loopback && url.protocol === 'http:'
    ? {
        url: base,
        warning: `${base} is plain HTTP: fine for local tests, B2C itself calls only HTTPS.`,
      }
    : { url: base };
}

/** `contoso` or `contoso.onmicrosoft.com` → `contoso`. */
export function parseTenant(text: string): string {
  const name = text.trim().replace(/\.onmicrosoft\.com$/i, '');
  if (!/^[A-Za-z0-9]{1,47}$/.test(name)) {
    throw new UsageError(
      `--tenant '${text}' is not a B2C tenant name: letters and digits, as in contoso or contoso.onmicrosoft.com`,
    );
  }
  return name.toLowerCase();
}

function parseGuid(option: string, text: string): string {
  const value = text.trim();
  if (!GUID.test(value)) throw new UsageError(`--${option} '${text}' is not a GUID`);
  return value.toLowerCase();
}

function parseChoice<T extends string>(option: string, text: string, choices: readonly T[]): T {
  const found = choices.find((c) => c.toLowerCase() === text.trim().toLowerCase());
  if (found === undefined) {
    throw new UsageError(`--${option} must be one of ${choices.join(', ')} (got '${text}')`);
  }
  return found;
}

export const USAGE = `Usage: npm run policy -- --base-url https://<app>.azurewebsites.net --auth <kind> [options]

Renders the custom-policy templates in policies/ (SocialAndLocalAccounts starter pack) for your
tenant and your Function App, and lists the policy keys to create before uploading them.

Required:
  --base-url URL        the Function App, e.g. https://contoso-b2c.azurewebsites.net
                        (ServiceUrl becomes URL/api/ValidateProfile and URL/api/GetProfile)
  --auth KIND           how B2C authenticates to the API:
                          basic        Basic, policy keys B2C_1A_RestApiUsername, B2C_1A_RestApiPassword
                          apikey       ApiKeyHeader, policy key B2C_1A_RestApiKey (header x-api-key)
                          certificate  ClientCertificate, policy key B2C_1A_RestApiClientCertificate
                          bearer       Bearer, policy key B2C_1A_RestApiBearerToken
                          none         None, with AllowInsecureAuthInProduction (development only)

Options:
  --tenant NAME         your B2C tenant, e.g. contoso (contoso.onmicrosoft.com)
  --out DIR             where to write the files (default policies/rendered/<tenant>)
  --send-claims-in HOW  Body (default, POST JSON), Form (POST urlencoded), QueryString (GET) or
                        Header (GET)
  --api-key-header H    the header of --auth apikey (default x-api-key; x-functions-key sends
                        the Functions key)
  --base-policy ID      the policy the extensions inherit from (default
                        B2C_1A_TrustFrameworkLocalization; B2C_1A_TrustFrameworkBase for starter
                        packs without TrustFrameworkLocalization.xml)
  --tenant-id GUID      your tenant ID: the token issuer the UserInfo endpoint accepts
  --app-id GUID         an application whose access tokens the UserInfo endpoint accepts
                        (repeat for several)
  --ief-app-id GUID     application ID of the IdentityExperienceFramework app registration
  --proxy-ief-app-id GUID
                        application ID of the ProxyIdentityExperienceFramework app registration
  --facebook-client-id ID
                        your Facebook app ID (the starter pack's Facebook-OAUTH)
  -h, --help            this text

Exit codes: 0 rendered, 1 could not read or write the files, 2 bad arguments.`;

export interface CliOptions extends RenderOptions {
  readonly out?: string | undefined;
  readonly help: boolean;
  /** Said about the options themselves (e.g. plain HTTP). */
  readonly notes: readonly string[];
}

export function parsePolicyArgs(argv: readonly string[]): CliOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        'base-url': { type: 'string' },
        auth: { type: 'string' },
        tenant: { type: 'string' },
        out: { type: 'string' },
        'send-claims-in': { type: 'string' },
        'api-key-header': { type: 'string' },
        'base-policy': { type: 'string' },
        'tenant-id': { type: 'string' },
        'app-id': { type: 'string', multiple: true },
        'ief-app-id': { type: 'string' },
        'proxy-ief-app-id': { type: 'string' },
        'facebook-client-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  if (values.help === true) return { baseUrl: '', auth: 'none', help: true, notes: [] };

  const rawBaseUrl = text('base-url');
  if (rawBaseUrl === undefined || rawBaseUrl.trim() === '') {
    throw new UsageError('--base-url is required');
  }
  const rawAuth = text('auth');
  if (rawAuth === undefined) throw new UsageError(`--auth is required (${AUTH_KINDS.join('|')})`);
  const auth = parseChoice('auth', rawAuth, AUTH_KINDS);
  const base = parseBaseUrl(rawBaseUrl);

  const apiKeyHeader = text('api-key-header');
  if (apiKeyHeader !== undefined) {
    if (auth !== 'apikey') throw new UsageError('--api-key-header goes with --auth apikey');
    if (!HTTP_TOKEN.test(apiKeyHeader)) {
      throw new UsageError(`--api-key-header '${apiKeyHeader}' is not an HTTP header name`);
    }
  }
  const basePolicy = text('base-policy');
  if (basePolicy !== undefined && !/^B2C_1A_[A-Za-z0-9_\-.]*[A-Za-z0-9_-]$/.test(basePolicy)) {
    throw new UsageError(`--base-policy '${basePolicy}' is not a custom policy ID (B2C_1A_…)`);
  }
  const facebookClientId = text('facebook-client-id');
  if (facebookClientId !== undefined && !/^[A-Za-z0-9]+$/.test(facebookClientId)) {
    throw new UsageError(`--facebook-client-id '${facebookClientId}' is not a Facebook app ID`);
  }
  const tenant = text('tenant');
  const sendClaimsIn = text('send-claims-in');
  const tenantId = text('tenant-id');
  const iefAppId = text('ief-app-id');
  const proxyIefAppId = text('proxy-ief-app-id');
  const appIds = values['app-id'];
  return {
    baseUrl: base.url,
    auth,
    tenant: tenant === undefined ? undefined : parseTenant(tenant),
    out: text('out'),
    sendClaimsIn:
      sendClaimsIn === undefined
        ? undefined
        : parseChoice('send-claims-in', sendClaimsIn, SEND_CLAIMS_IN),
    apiKeyHeader,
    basePolicy,
    tenantId: tenantId === undefined ? undefined : parseGuid('tenant-id', tenantId),
    appIds: Array.isArray(appIds) ? appIds.map((id) => parseGuid('app-id', id)) : undefined,
    iefAppId: iefAppId === undefined ? undefined : parseGuid('ief-app-id', iefAppId),
    proxyIefAppId:
      proxyIefAppId === undefined ? undefined : parseGuid('proxy-ief-app-id', proxyIefAppId),
    facebookClientId,
    help: false,
    notes: base.warning === undefined ? [] : [base.warning],
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** The URL of one function under the base URL (…/api/<function>; `/api` is not doubled). */
export function functionUrl(baseUrl: string, functionName: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/api$/i.test(base) ? `${base}/${functionName}` : `${base}/api/${functionName}`;
}

interface MetadataItem {
  readonly key: string;
  readonly value: string;
}

const ITEM_LINE = /^([ \t]*)<Item Key="([^"]+)">([^<]*)<\/Item>[ \t]*$/;

/** Sets (or, with undefined, removes) metadata items, editing the lines of the Metadata block. */
function setMetadata(
  block: string,
  changes: ReadonlyArray<readonly [string, string | undefined]>,
): string {
  const lines = block.split('\n');
  let indent = '';
  for (const [key, value] of changes) {
    const index = lines.findIndex((line) => ITEM_LINE.exec(line)?.[2] === key);
    const existing = index >= 0 ? ITEM_LINE.exec(lines[index] ?? '') : null;
    if (existing) indent = existing[1] ?? indent;
    if (value === undefined) {
      if (index >= 0) lines.splice(index, 1);
      continue;
    }
    const line = `${indent}<Item Key="${key}">${escapeXml(value)}</Item>`;
    if (index >= 0) {
      lines[index] = line;
    } else {
      const lastItem = lines.reduce((last, l, i) => (ITEM_LINE.test(l) ? i : last), -1);
      if (lastItem >= 0) indent = ITEM_LINE.exec(lines[lastItem] ?? '')?.[1] ?? indent;
      lines.splice(lastItem + 1, 0, `${indent}<Item Key="${key}">${escapeXml(value)}</Item>`);
    }
  }
  return lines.join('\n');
}

export function metadataItems(technicalProfile: string): MetadataItem[] {
  const block = /<Metadata>([\s\S]*?)<\/Metadata>/.exec(technicalProfile)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => ITEM_LINE.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ key: m[2] ?? '', value: unescapeXml(m[3] ?? '') }));
}

/** True when an input or output claim of the profile has a claim resolver as DefaultValue. */
function usesClaimResolvers(technicalProfile: string): boolean {
  return /<(?:InputClaim|OutputClaim)\b[^>]*\bDefaultValue="[^"]*\{[A-Za-z0-9_-]+:[^}"]*\}[^"]*"/.test(
    technicalProfile,
  );
}

interface ProfileRendering {
  readonly xml: string;
  readonly id: string;
  readonly serviceUrl: string;
}

function renderRestProfile(
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

const PLACEHOLDERS: readonly {
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

function replacePlaceholder(
  xml: string,
  placeholder: (typeof PLACEHOLDERS)[number],
  value: string,
): string {
  if (placeholder.option === '--tenant') {
    return xml.replace(placeholder.pattern, (_match, host: string) => `${value}.${host}.com`);
  }
  return xml.replace(placeholder.pattern, value);
}

function policyIdOf(xml: string): string | undefined {
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

// ---------------------------------------------------------------------------------------------
// Files and the command line

/** The directory holding package.json, from this file in scripts/ or in dist/scripts/. */
export function findAppRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'policies'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json with a policies/ folder above ${from}`);
    dir = parent;
  }
}

/** The templates: the .xml files directly in policies/. */
export function loadTemplates(templateDir: string): PolicyFile[] {
  const names = readdirSync(templateDir)
    .filter((name) => name.toLowerCase().endsWith('.xml'))
    .sort();
  if (names.length === 0) throw new TemplateError(`no .xml templates in ${templateDir}`);
  return names.map((name) => ({ name, xml: readFileSync(join(templateDir, name), 'utf8') }));
}

export interface CliContext {
  readonly appRoot: string;
  /** Where a relative --out is resolved (the directory `npm run` was started from). */
  readonly cwd: string;
}

export function runPolicyCli(argv: readonly string[], io: CliIo, context: CliContext): number {
  let options: CliOptions;
  try {
    options = parsePolicyArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`Error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    io.out(USAGE);
    return 0;
  }

  const templateDir = join(context.appRoot, 'policies');
  const tenant = options.tenant ?? TEMPLATE_TENANT;
  const outDir =
    options.out === undefined
      ? join(templateDir, 'rendered', tenant)
      : resolve(context.cwd, options.out);
  if (resolve(outDir) === resolve(templateDir)) {
    io.err(`Error: --out ${options.out ?? ''} is the template folder; choose another folder.`);
    return 2;
  }

  let rendering: Rendering;
  try {
    rendering = renderPolicies(loadTemplates(templateDir), options);
    mkdirSync(outDir, { recursive: true });
    for (const file of rendering.files) writeFileSync(join(outDir, file.name), file.xml);
  } catch (error) {
    io.err(`Cannot render the policies: ${(error as Error).message}`);
    return 1;
  }

  const fromCwd = relative(context.cwd, outDir);
  const shown = fromCwd === '' ? '.' : fromCwd.startsWith('..') ? outDir : fromCwd;
  io.out(
    `Rendered ${rendering.files.length} policy files for ${tenant}.onmicrosoft.com into ${shown}:`,
  );
  for (const file of rendering.files) io.out(`  ${file.name}`);
  io.out('');
  io.out(
    `REST technical profiles (${AUTH[options.auth].authenticationType}, SendClaimsIn ${options.sendClaimsIn ?? 'Body'}):`,
  );
  for (const [profile, url] of Object.entries(rendering.serviceUrls)) {
    io.out(`  ${profile.padEnd(22)} ${url}`);
  }
  io.out('');
  if (rendering.policyKeys.length > 0) {
    io.out(
      'Create these policy keys first (Azure AD B2C → Identity Experience Framework → Policy keys → Add):',
    );
    for (const key of rendering.policyKeys) {
      io.out(`  ${key.storageReferenceId.padEnd(32)} ${key.howTo}`);
    }
    io.out('');
  }
  io.out('Function App settings, so that the API accepts these calls:');
  for (const setting of rendering.appSettings) io.out(`  ${setting}`);
  io.out('');
  const starterPack =
    (options.basePolicy ?? DEFAULT_BASE_POLICY) === DEFAULT_BASE_POLICY
      ? 'TrustFrameworkBase.xml and TrustFrameworkLocalization.xml'
      : `TrustFrameworkBase.xml (and the policy ${options.basePolicy ?? ''})`;
  io.out(
    `Upload, in this order: the starter pack's ${starterPack}, then ` +
      `${rendering.files.map((f) => f.name).join(', ')}.`,
  );
  if (rendering.placeholders.length > 0) {
    io.out('');
    io.out('Still to fill in (edit the rendered files, or render again with these options):');
    for (const p of rendering.placeholders) {
      io.out(`  ${p.text.padEnd(40)} ${p.option.padEnd(20)} ${p.meaning} (${p.files.join(', ')})`);
    }
  }
  for (const note of [...options.notes, ...rendering.warnings]) io.err(`Warning: ${note}`);
  return 0;
}

if (require.main === module) {
  const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };
  try {
    process.exitCode = runPolicyCli(process.argv.slice(2), io, {
      appRoot: findAppRoot(__dirname),
      cwd: process.env.INIT_CWD ?? process.cwd(),
    });
  } catch (error) {
    console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
