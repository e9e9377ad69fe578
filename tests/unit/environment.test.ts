/**
 * Fail closed: Azure sets AZURE_FUNCTIONS_ENVIRONMENT only when the operator does, so every
 * environment but an explicit Development is production for the caller checks.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadStorageSettings } from '../../shared/config';

const PRODUCTION_LIKE: readonly (Record<string, string> | Record<string, never>)[] = [
  {},
  { AZURE_FUNCTIONS_ENVIRONMENT: 'Production' },
  { AZURE_FUNCTIONS_ENVIRONMENT: 'Staging' },
  { AZURE_FUNCTIONS_ENVIRONMENT: 'Dev' },
  { AZURE_FUNCTIONS_ENVIRONMENT: 'Development-2' },
  { AZURE_FUNCTIONS_ENVIRONMENT: '' },
];

const label = (env: Record<string, string>) =>
  env.AZURE_FUNCTIONS_ENVIRONMENT === undefined
    ? 'absent'
    : JSON.stringify(env.AZURE_FUNCTIONS_ENVIRONMENT);

describe.each(PRODUCTION_LIKE.map((env) => [label(env), env] as const))(
  'AZURE_FUNCTIONS_ENVIRONMENT %s counts as production',
  (_name, env) => {
    it('refuses to start without API_AUTH, naming it', () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow('Setting API_AUTH is missing');
    });

    it('refuses API_AUTH=none unless ALLOW_INSECURE_AUTH=true', () => {
      expect(() => loadConfig({ ...env, API_AUTH: 'none' })).toThrow('ALLOW_INSECURE_AUTH');
      expect(
        loadConfig({ ...env, API_AUTH: 'none', ALLOW_INSECURE_AUTH: 'true' }).auth.modes,
      ).toEqual(['none']);
    });

    it.each([
      [
        'BEARER_ISSUER',
        { API_AUTH: 'bearer', BEARER_ISSUER: 'http://idp/v2.0', BEARER_AUDIENCE: 'a' },
      ],
      [
        'BEARER_JWKS_URI',
        {
          API_AUTH: 'bearer',
          BEARER_ISSUER: 'https://idp/v2.0',
          BEARER_JWKS_URI: 'http://idp/keys',
          BEARER_AUDIENCE: 'a',
        },
      ],
      [
        'ENTRA_JWKS_URI',
        {
          API_AUTH: 'entra',
          ENTRA_TENANT_ID: '2f4a9b5c-1d3e-4f60-8a7b-9c0d1e2f3a4b',
          ENTRA_API_APP_ID: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
          ENTRA_JWKS_URI: 'http://login.example/keys',
        },
      ],
    ])('refuses an http %s', (name, settings) => {
      expect(() => loadConfig({ ...env, ...settings })).toThrow(`Setting ${name} is malformed`);
      expect(() => loadConfig({ ...env, ...settings })).toThrow('must be an https URL');
    });
  },
);

describe('AZURE_FUNCTIONS_ENVIRONMENT=Development (npm start, Core Tools)', () => {
  it.each(['Development', 'development', ' Development '])(
    'as %j, serves without a caller check and accepts http key URLs',
    (value) => {
      expect(loadConfig({ AZURE_FUNCTIONS_ENVIRONMENT: value }).auth.modes).toEqual(['none']);
      expect(
        loadConfig({
          AZURE_FUNCTIONS_ENVIRONMENT: value,
          API_AUTH: 'bearer',
          BEARER_ISSUER: 'http://127.0.0.1:5000/v2.0',
          BEARER_AUDIENCE: 'a',
        }).auth.bearer?.issuers,
      ).toEqual(['http://127.0.0.1:5000/v2.0']);
    },
  );
});

describe('the storage settings alone (the loyalty CLI)', () => {
  it('need no caller check in any environment', () => {
    for (const env of PRODUCTION_LIKE) {
      expect(loadStorageSettings(env)).toMatchObject({
        tables: { connectionString: 'UseDevelopmentStorage=true' },
        loyaltyTableName: 'LoyaltyMembers',
        failedValidationsTableName: 'FailedValidations',
      });
    }
  });
});

describe('a Key Vault reference App Service could not resolve', () => {
  const reference = '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/api-key)';
  it.each([
    ['API_KEY', { API_AUTH: 'apikey', API_KEY: reference }],
    [
      'BASIC_AUTH_PASSWORD',
      { API_AUTH: 'basic', BASIC_AUTH_USERNAME: 'b2c', BASIC_AUTH_PASSWORD: reference },
    ],
    ['TELEMETRY_HASH_KEY', { API_AUTH: 'none', TELEMETRY_HASH_KEY: reference }],
  ])('in %s is refused at start, naming it, never used as the secret', (name, settings) => {
    const env = { AZURE_FUNCTIONS_ENVIRONMENT: 'Development', ...settings };
    expect(() => loadConfig(env)).toThrow(`Setting ${name} is an unresolved Key Vault reference`);
    expect(() => loadConfig(env)).toThrow('Key Vault Secrets User');
  });
});
