/**
 * The one storage seam: the adapters of the domain's ports, built from the configured backend
 * (StorageBackend in config.ts). The app, the loyalty CLI, the local host, the import probe and the bench
 * all build their storage here, so a new engine is one adapter folder and one branch below.
 *
 * One target per factory, so one credential and one token cache for every table. The admin
 * adapter (and its bulk import engine) is loaded only when asked for: the functions never need it,
 * and it stays off their cold path.
 */
import type { StorageSettings } from '../config';
import type { MemberAdmin } from '../loyalty/admin';
import type { AttemptStore, LoyaltyRepository } from '../loyalty/ports';
import type { Telemetry } from '../telemetry/telemetry';
import type { BulkOptions } from './table/bulkSave';
import { describeTables, tablesTarget } from './table/credential';
import { TableAttemptStore } from './table/tableAttemptStore';
import { dependencyObserver } from './table/tableCall';
import { TableLoyaltyRepository } from './table/tableRepository';

export interface StorageOptions {
  /** Upper bound of one storage call (default: the settings' STORAGE_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** When given, every storage call is reported to it as a dependency. */
  readonly telemetry?: Telemetry | undefined;
  /** Tuning of the admin adapter's bulk import (defaults suit an import). */
  readonly bulk?: BulkOptions;
}

export interface Storage {
  /** Where the data is and how it is reached, for logs: never a key or token. */
  readonly description: string;
  /** A new adapter of the serving repository (what the functions read and write). */
  repository(): LoyaltyRepository;
  /** A new adapter of the guessing throttle's counter. */
  attempts(): AttemptStore;
  /** A new adapter of the admin port (the CLI's and the demo seeding's), its module loaded now. */
  admin(): Promise<MemberAdmin>;
}

export function createStorage(settings: StorageSettings, options: StorageOptions = {}): Storage {
  const { backend } = settings;
  const timeoutMs = options.timeoutMs ?? settings.storageTimeoutMs;
  switch (backend.kind) {
    case 'tables': {
      const tables = tablesTarget(backend.access);
      const observer =
        options.telemetry === undefined ? undefined : dependencyObserver(options.telemetry);
      const names = {
        loyaltyTableName: settings.loyaltyTableName,
        balancesTableName: settings.balancesTableName,
      };
      return Object.freeze({
        description: describeTables(backend.access),
        repository: () => new TableLoyaltyRepository({ tables, ...names, timeoutMs, observer }),
        attempts: () =>
          new TableAttemptStore({
            tables,
            tableName: settings.failedValidationsTableName,
            timeoutMs,
            observer,
          }),
        // Loaded on demand (an ES import, which Node resolves by its .js name): off the cold path.
        admin: async () => {
          const { TableLoyaltyAdmin } = await import('./table/tableAdmin.js');
          return new TableLoyaltyAdmin({
            tables,
            ...names,
            timeoutMs,
            observer,
            bulk: options.bulk,
          });
        },
      });
    }
  }
}
