import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import {
  TableLoyaltyRepository,
  type TableRepositoryOptions,
} from '../../shared/storage/tableRepository';

export function azuriteConnectionString(): string {
  return inject('azuriteConnectionString');
}

/** Table names unique to one test file (or one test), so files never share state. */
export function uniqueTableNames(prefix: string): {
  loyaltyTableName: string;
  balancesTableName: string;
} {
  const suffix = randomBytes(4).toString('hex');
  return {
    loyaltyTableName: `${prefix}Members${suffix}`,
    balancesTableName: `${prefix}Balances${suffix}`,
  };
}

export function tableRepository(
  prefix: string,
  overrides: Partial<TableRepositoryOptions> = {},
): TableLoyaltyRepository {
  return new TableLoyaltyRepository({
    connectionString: azuriteConnectionString(),
    ...uniqueTableNames(prefix),
    ...overrides,
  });
}
