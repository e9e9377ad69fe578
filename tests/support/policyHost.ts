/**
 * The local host for the policy end-to-end tests: tables of its own (members, balances and
 * failed validations, so that the loyalty IDs these tests get wrong on purpose never throttle
 * another file's host), with the demo data seeded.
 */
import { randomBytes } from 'node:crypto';
import { startHost, type RunningHost } from './host';
import { azuriteConnectionString, uniqueTableNames } from './tables';

export function startPolicyHost(
  prefix: string,
  env: Record<string, string> = {},
  options: { port?: number } = {},
): Promise<RunningHost> {
  const tables = uniqueTableNames(prefix);
  return startHost(
    {
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      LOYALTY_TABLE_NAME: tables.loyaltyTableName,
      BALANCES_TABLE_NAME: tables.balancesTableName,
      FAILED_VALIDATIONS_TABLE_NAME: `${prefix}Failed${randomBytes(4).toString('hex')}`,
      ...env,
    },
    options,
  );
}
