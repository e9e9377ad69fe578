/** What a rendering takes and gives, and the template's placeholders. */
import { AuthKind, PolicyKey, SendClaimsIn } from './authKinds';

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
export const TEMPLATE_TENANT_OBJECT_ID = '11111111-1111-1111-1111-111111111111';
export const TEMPLATE_AUDIENCE = '[ "22222222-2222-2222-2222-222222222222" ]';

export const FUNCTIONS = new Set(['ValidateProfile', 'GetProfile', 'EnrichToken']);
export const RESTFUL_HANDLER = 'Web.TPEngine.Providers.RestfulProvider';
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const HTTP_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
export const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
