/**
 * How the app reaches Table Storage, chosen from its settings, in this order:
 * 1. `TABLES_CONNECTION_STRING`: a connection string (a key, a SAS, Azurite, Cosmos DB for Table);
 * 2. `TABLES_ENDPOINT`: the table service URL, with a Microsoft Entra token from @azure/identity's
 *    DefaultAzureCredential (`AZURE_CLIENT_ID` names a user-assigned identity): the Function App's
 *    managed identity in Azure, the Azure CLI sign-in on an operator's machine;
 * 3. `AzureWebJobsStorage`: the Functions host's own storage, as a connection string;
 * 4. `AzureWebJobsStorage__tableServiceUri` (or `__accountName`, in the cloud whose storage
 *    suffix `STORAGE_ENDPOINT_SUFFIX` names), the host's identity-based convention, with
 *    `AzureWebJobsStorage__credential=managedidentity` and `AzureWebJobsStorage__clientId`;
 * 5. development storage (Azurite on 127.0.0.1:10002): the app refuses it outside Development
 *    (config.ts); `npm start`, Core Tools, the tests and the loyalty CLI keep it as the default.
 * A connection string, when set, always wins.
 */
import { ConfigError } from '../../configError';
import { read, type Env } from '../../env';

export type TablesAccess =
  | {
      readonly kind: 'connectionString';
      readonly connectionString: string;
      readonly from: 'TABLES_CONNECTION_STRING' | 'AzureWebJobsStorage' | 'default';
    }
  | {
      readonly kind: 'identity';
      /** The table service URL, e.g. https://<account>.table.core.windows.net */
      readonly endpoint: string;
      /** A user-assigned identity's client id, or undefined (system-assigned, or a developer). */
      readonly clientId: string | undefined;
      readonly from:
        | 'TABLES_ENDPOINT'
        | 'AzureWebJobsStorage__tableServiceUri'
        | 'AzureWebJobsStorage__accountName';
    };

export const DEVELOPMENT_STORAGE = 'UseDevelopmentStorage=true';

/** A table service URL: https (Entra tokens are never sent over plain HTTP). */
function serviceUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `is malformed: "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:') {
    throw new ConfigError(name, `is malformed: "${value}" must be an https URL`);
  }
  if (url.search !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(
      name,
      'is malformed: give the table service URL, without a query or credentials',
    );
  }
  return value.replace(/\/+$/, '');
}

function guid(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new ConfigError(name, 'is malformed: expected a managed identity client id, a GUID');
  }
  return value.toLowerCase();
}

export function tablesAccess(env: Env): TablesAccess {
  const connectionString = read(env, 'TABLES_CONNECTION_STRING');
  if (connectionString !== undefined) {
    return { kind: 'connectionString', connectionString, from: 'TABLES_CONNECTION_STRING' };
  }
  const endpoint = read(env, 'TABLES_ENDPOINT');
  if (endpoint !== undefined) {
    return {
      kind: 'identity',
      endpoint: serviceUrl('TABLES_ENDPOINT', endpoint),
      clientId: guid('AZURE_CLIENT_ID', read(env, 'AZURE_CLIENT_ID')),
      from: 'TABLES_ENDPOINT',
    };
  }
  const hostStorage = read(env, 'AzureWebJobsStorage');
  if (hostStorage !== undefined) {
    return { kind: 'connectionString', connectionString: hostStorage, from: 'AzureWebJobsStorage' };
  }
  const hostClientId = (): string | undefined =>
    read(env, 'AzureWebJobsStorage__credential')?.toLowerCase() === 'managedidentity'
      ? guid('AzureWebJobsStorage__clientId', read(env, 'AzureWebJobsStorage__clientId'))
      : undefined;
  const tableServiceUri = read(env, 'AzureWebJobsStorage__tableServiceUri');
  if (tableServiceUri !== undefined) {
    return {
      kind: 'identity',
      endpoint: serviceUrl('AzureWebJobsStorage__tableServiceUri', tableServiceUri),
      clientId: hostClientId(),
      from: 'AzureWebJobsStorage__tableServiceUri',
    };
  }
  const accountName = read(env, 'AzureWebJobsStorage__accountName');
  if (accountName !== undefined) {
    if (!/^[a-z0-9]{3,24}$/.test(accountName)) {
      throw new ConfigError(
        'AzureWebJobsStorage__accountName',
        `is malformed: "${accountName}" is not a storage account name`,
      );
    }
    // Azure's public cloud by default; e.g. core.usgovcloudapi.net, core.chinacloudapi.cn.
    const suffix = read(env, 'STORAGE_ENDPOINT_SUFFIX') ?? 'core.windows.net';
    if (!/^[a-z0-9]+(?:[.-][a-z0-9]+)*\.[a-z]{2,}$/i.test(suffix)) {
      throw new ConfigError(
        'STORAGE_ENDPOINT_SUFFIX',
        `is malformed: "${suffix}" is not a storage endpoint suffix (e.g. core.windows.net)`,
      );
    }
    return {
      kind: 'identity',
      endpoint: `https://${accountName}.table.${suffix.toLowerCase()}`,
      clientId: hostClientId(),
      from: 'AzureWebJobsStorage__accountName',
    };
  }
  return { kind: 'connectionString', connectionString: DEVELOPMENT_STORAGE, from: 'default' };
}
