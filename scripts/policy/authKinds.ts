/** What each --auth kind sets in a RESTful technical profile, and the policy keys it needs. */

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

export interface AuthSpec {
  readonly authenticationType: string;
  readonly keys: (apiKeyHeader: string) => readonly PolicyKey[];
  /** The Function App settings that make the API accept what B2C sends (README, Settings). */
  readonly appSettings: (apiKeyHeader: string) => readonly string[];
}

/** The policy sends no Functions key (it would need `?code=` in the ServiceUrl, which leaks). */
export const ANONYMOUS_FUNCTIONS =
  'FUNCTIONS_AUTH_LEVEL=anonymous (the policy sends no Functions key)';

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
      'BEARER_ISSUER, BEARER_AUDIENCE, and BEARER_ALLOWED_CLIENT_IDS or BEARER_REQUIRED_ROLE = what the token carries',
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
