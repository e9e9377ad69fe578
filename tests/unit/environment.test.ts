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

/** A storage setting: outside Development the app does not start without one. */
const STORAGE = { TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true' } as const;

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
        loadConfig({ ...env, ...STORAGE, API_AUTH: 'none', ALLOW_INSECURE_AUTH: 'true' }).auth
          .modes,
      ).toEqual(['none']);
    });

    it('refuses to start without a storage setting, naming every one on one line', () => {
      const started = { ...env, API_AUTH: 'none', ALLOW_INSECURE_AUTH: 'true' };
      expect(() => loadConfig(started)).toThrow(ConfigError);
      const error = (() => {
        try {
          loadConfig(started);
        } catch (caught) {
          return (caught as Error).message;
        }
        return '';
      })();
      for (const name of [
        'TABLES_CONNECTION_STRING',
        'TABLES_ENDPOINT',
        'AzureWebJobsStorage',
        'AzureWebJobsStorage__tableServiceUri',
        'AzureWebJobsStorage__accountName',
      ]) {
        expect(error).toContain(name);
      }
      expect(error).not.toContain('\n');
    });

    it.each([
      { TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
      { TABLES_ENDPOINT: 'https://account.table.core.windows.net' },
      { AzureWebJobsStorage: 'UseDevelopmentStorage=true' },
      { AzureWebJobsStorage__tableServiceUri: 'https://account.table.core.windows.net' },
      { AzureWebJobsStorage__accountName: 'account' },
    ])('starts with the storage setting %j', (storage) => {
      const started = { ...env, ...storage, API_AUTH: 'none', ALLOW_INSECURE_AUTH: 'true' };
      expect(loadConfig(started).backend.access.from).not.toBe('default');
    });

    it('refuses API_AUTH=bearer naming neither BEARER_ALLOWED_CLIENT_IDS nor BEARER_REQUIRED_ROLE', () => {
      const bearer = {
        ...env,
        ...STORAGE,
        API_AUTH: 'basic, bearer',
        BASIC_AUTH_USERNAME: 'b2c',
        BASIC_AUTH_PASSWORD: 'a-password',
        BEARER_ISSUER: 'https://login.microsoftonline.com/t/v2.0',
        BEARER_AUDIENCE: 'api://b2c-claims-api',
      };
      expect(() => loadConfig(bearer)).toThrow(ConfigError);
      expect(() => loadConfig(bearer)).toThrow(
        /BEARER_ALLOWED_CLIENT_IDS[^\n]*BEARER_REQUIRED_ROLE/,
      );
      const client = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
      expect(
        loadConfig({ ...bearer, BEARER_ALLOWED_CLIENT_IDS: client }).auth.bearer?.allowedClientIds,
      ).toEqual([client]);
      expect(
        loadConfig({ ...bearer, BEARER_REQUIRED_ROLE: 'Claims.Read' }).auth.bearer?.requiredRole,
      ).toBe('Claims.Read');
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

describe('development storage', () => {
  it('stays the default of npm start and Core Tools (Development)', () => {
    expect(loadConfig({ AZURE_FUNCTIONS_ENVIRONMENT: 'Development' }).backend.access).toEqual({
      kind: 'connectionString',
      connectionString: 'UseDevelopmentStorage=true',
      from: 'default',
    });
  });
});

describe('the storage settings alone (the loyalty CLI)', () => {
  it('need no caller check in any environment', () => {
    for (const env of PRODUCTION_LIKE) {
      expect(loadStorageSettings(env)).toMatchObject({
        backend: { kind: 'tables', access: { connectionString: 'UseDevelopmentStorage=true' } },
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
