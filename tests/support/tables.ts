import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { TableLoyaltyAdmin, type TableAdminOptions } from '../../shared/storage/table/tableAdmin';

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
  overrides: Partial<TableAdminOptions> = {},
): TableLoyaltyAdmin {
  return new TableLoyaltyAdmin({
    tables: azuriteConnectionString(),
    ...uniqueTableNames(prefix),
    ...overrides,
  });
}
