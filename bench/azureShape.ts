/**
 * The parts a fresh Flex Consumption instance talks to, run locally: Azurite's Table service
 * over HTTPS with `--oauth basic` (tables by identity: TABLES_ENDPOINT, no key), the stand-in
 * managed identity endpoint the SDK calls for a token, and a stand-in of Entra's signing-keys
 * endpoint, each answering after an added delay (a remote round trip). The host's environment
 * is the deployed app's: production (AZURE_FUNCTIONS_ENVIRONMENT not Development),
 * API_AUTH=entra, FUNCTIONS_AUTH_LEVEL=anonymous, AZURE_CLIENT_ID, no connection string.
 * This process must trust the certificate (NODE_EXTRA_CA_CERTS, see azure.ts).
 */
import { loadStorageSettings } from '../shared/config';
import { createStorage } from '../shared/storage/factory';
import { startAzuriteOAuth, type AzuriteOAuth } from '../tests/support/azuriteOAuth';
import { startEntraKeysEndpoint, type EntraKeysEndpoint } from '../tests/support/entraKeysEndpoint';
import {
  startManagedIdentityEndpoint,
  type ManagedIdentityEndpoint,
} from '../tests/support/managedIdentityEndpoint';
import type { TestCertificate } from '../tests/support/testCertificate';
import { loadUsers, type BenchUser } from './dataset';

export const TENANT_ID = '30000000-0000-4000-8000-000000000003';
export const API_APP_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const APP_IDENTITY_CLIENT_ID = '5b2c1f0e-3d4a-4b6c-9e8f-0a1b2c3d4e5f';
export const TABLES = {
  loyaltyTableName: 'AzLoyaltyMembers',
  balancesTableName: 'AzBalances',
  failedValidationsTableName: 'AzFailedValidations',
};

export interface AzureShape {
  readonly azurite: AzuriteOAuth;
  readonly identity: ManagedIdentityEndpoint;
  readonly keys: EntraKeysEndpoint;
  /** The deployed app's settings, pointing at the stand-ins. */
  hostEnv(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startAzureShape(options: {
  certificate: TestCertificate;
  identityDelayMs: number;
  keysDelayMs: number;
  users: readonly BenchUser[];
}): Promise<AzureShape> {
  const azurite = await startAzuriteOAuth({ certificate: options.certificate });
  const identity = await startManagedIdentityEndpoint();
  identity.setMode('ok', { delayMs: options.identityDelayMs });
  const keys = await startEntraKeysEndpoint({
    tenantId: TENANT_ID,
    cert: options.certificate.cert,
    key: options.certificate.key,
    delayMs: options.keysDelayMs,
  });
  // Loaded with the account key over HTTPS: the bench looks behind the app's back.
  await loadUsers(
    await createStorage(
      loadStorageSettings({
        TABLES_CONNECTION_STRING: azurite.connectionString,
        LOYALTY_TABLE_NAME: TABLES.loyaltyTableName,
        BALANCES_TABLE_NAME: TABLES.balancesTableName,
      }),
      { timeoutMs: 10_000 },
    ).admin(),
    options.users,
  );
  return {
    azurite,
    identity,
    keys,
    hostEnv: () => ({
      PATH: process.env.PATH ?? '',
      NODE_EXTRA_CA_CERTS: options.certificate.certFile,
      ...identity.env(),
      AZURE_CLIENT_ID: APP_IDENTITY_CLIENT_ID,
      TABLES_ENDPOINT: azurite.endpoint,
      TABLES_CONNECTION_STRING: '',
      AzureWebJobsStorage: '',
      LOYALTY_TABLE_NAME: TABLES.loyaltyTableName,
      BALANCES_TABLE_NAME: TABLES.balancesTableName,
      FAILED_VALIDATIONS_TABLE_NAME: TABLES.failedValidationsTableName,
      AZURE_FUNCTIONS_ENVIRONMENT: 'Production',
      FUNCTIONS_AUTH_LEVEL: 'anonymous',
      API_AUTH: 'entra',
      ENTRA_TENANT_ID: TENANT_ID,
      ENTRA_API_APP_ID: API_APP_ID,
      ENTRA_JWKS_URI: keys.jwksUri,
      SEED_DEMO_DATA: 'false',
      FUNCTIONS_WORKER_RUNTIME: 'node',
    }),
    async stop() {
      await keys.close();
      await identity.close();
      await azurite.stop();
    },
  };
}
