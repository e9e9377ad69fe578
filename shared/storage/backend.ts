/**
 * Which storage engine holds the data, and how it is reached, as the settings name it. Only
 * the factory (factory.ts) looks inside; the domain and the functions see the ports alone.
 * Today one engine: Table Storage (Azure Storage, Cosmos DB for Table, Azurite), reached as
 * table/access.ts reads it. A new engine is one more kind here and one branch in the factory.
 */
import type { Env } from '../env';
import { describeTables } from './table/credential';
import { tablesAccess, type TablesAccess } from './table/access';

export type StorageBackend = { readonly kind: 'tables'; readonly access: TablesAccess };

export function storageBackend(env: Env): StorageBackend {
  return Object.freeze({ kind: 'tables', access: tablesAccess(env) });
}

/** True when the backend is the development default, which only Development may use. */
export function isDevelopmentDefault(backend: StorageBackend): boolean {
  return backend.access.kind === 'connectionString' && backend.access.from === 'default';
}

/** Where the data is and how it is reached, for the start-up log: never a key or token. */
export function describeBackend(backend: StorageBackend): string {
  return describeTables(backend.access);
}
