/** The command line of `npm run policy`: its options, checked, and its usage. */
import { parseArgs } from 'node:util';
import { closest, explainArgsError } from '../suggest';
import { AUTH_KINDS, SEND_CLAIMS_IN } from './authKinds';
import { GUID, HTTP_TOKEN, LOOPBACK, RenderOptions, UsageError } from './model';

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

export function parseGuid(option: string, text: string): string {
  const value = text.trim();
  if (!GUID.test(value)) throw new UsageError(`--${option} '${text}' is not a GUID`);
  return value.toLowerCase();
}

export function parseChoice<T extends string>(
  option: string,
  text: string,
  choices: readonly T[],
): T {
  const found = choices.find((c) => c.toLowerCase() === text.trim().toLowerCase());
  if (found === undefined) {
    const guess = closest(text.trim(), choices);
    throw new UsageError(
      `--${option} must be one of ${choices.join(', ')} (got '${text}')${guess === undefined ? '' : `. Did you mean ${guess}?`}`,
    );
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
  --version             prints the version

Exit codes: 0 rendered, 1 could not read or write the files, 2 bad arguments.`;

export interface CliOptions extends RenderOptions {
  readonly out?: string | undefined;
  readonly help: boolean;
  /** --version: print the version, nothing else. */
  readonly version?: boolean;
  /** Said about the options themselves (e.g. plain HTTP). */
  readonly notes: readonly string[];
}

export const POLICY_OPTIONS = {
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
  version: { type: 'boolean' },
} as const;

export function parsePolicyArgs(argv: readonly string[]): CliOptions {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: POLICY_OPTIONS,
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError(explainArgsError(error, Object.keys(POLICY_OPTIONS)));
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  if (values.help === true) return { baseUrl: '', auth: 'none', help: true, notes: [] };
  if (values.version === true) {
    return { baseUrl: '', auth: 'none', help: false, version: true, notes: [] };
  }

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
