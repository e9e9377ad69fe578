import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';

/** Where a table client goes: a connection string, or a service URL and a token credential. */
export type TablesTarget =
  | { readonly connectionString: string }
  | { readonly endpoint: string; readonly credential: TokenCredential };

/** Parses `Key=Value;Key=Value` (keys case-insensitive; values may contain `=`). */
export function connectionStringParts(connectionString: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const segment of connectionString.split(';')) {
    const eq = segment.indexOf('=');
    if (eq <= 0) continue;
    parts.set(segment.slice(0, eq).trim().toLowerCase(), segment.slice(eq + 1).trim());
  }
  return parts;
}

export function isDevelopmentStorage(connectionString: string): boolean {
  return (
    connectionStringParts(connectionString).get('usedevelopmentstorage')?.toLowerCase() === 'true'
  );
}

/** The Table endpoint a connection string points at (for messages and the local host). */
export function tableEndpoint(connectionString: string): string {
  if (isDevelopmentStorage(connectionString)) return 'http://127.0.0.1:10002/devstoreaccount1';
  const parts = connectionStringParts(connectionString);
  const explicit = parts.get('tableendpoint');
  if (explicit) return explicit;
  const protocol = parts.get('defaultendpointsprotocol') ?? 'https';
  const account = parts.get('accountname') ?? 'unknown';
  const suffix = parts.get('endpointsuffix') ?? 'core.windows.net';
  return `${protocol}://${account}.table.${suffix}`;
}

/**
 * A TableClient for any target the app accepts: a service URL with a token credential (Entra
 * ID), or a connection string: an Azure account, Cosmos DB for Table,
 * `UseDevelopmentStorage=true`, or an Azurite on another port given with an `http://`
 * TableEndpoint, which the SDK only accepts with allowInsecureConnection (as it does itself for
 * development storage).
 */
export function createTableClient(
  target: TablesTarget | string,
  tableName: string,
  options: TableServiceClientOptions = {},
): TableClient {
  if (typeof target === 'object' && 'credential' in target) {
    return new TableClient(target.endpoint, tableName, target.credential, options);
  }
  const connectionString = typeof target === 'string' ? target : target.connectionString;
  const insecure = tableEndpoint(connectionString).toLowerCase().startsWith('http://');
  return TableClient.fromConnectionString(connectionString, tableName, {
    ...options,
    allowInsecureConnection: insecure || options.allowInsecureConnection === true,
  });
}
