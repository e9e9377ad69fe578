/**
 * Making sure a table is there, with least privilege in mind: creating a table that exists is
 * no error (the SDK swallows its 409), and neither is being refused the creation (403, an
 * identity with Storage Table Data Contributor on an account whose tables were made by the
 * deployment) when the table turns out to exist.
 */
import type { Signal } from '../abort';
import type { TableClient } from '@azure/data-tables';
import { StorageUnavailableError } from '../loyalty/ports';
import { isTableNotFound, statusOf, tableCall, type TableCallOptions } from './tableCall';

export async function ensureTable(
  table: TableClient,
  calls: TableCallOptions,
  signal?: Signal,
): Promise<void> {
  try {
    await tableCall(
      'createTable',
      table,
      calls,
      (abortSignal) => table.createTable({ abortSignal }),
      signal,
    );
  } catch (error) {
    const refused = error instanceof StorageUnavailableError && statusOf(error.cause) === 403;
    if (!refused || !(await tableExists(table, calls, signal))) throw error;
  }
}

/** A point read of a row that never exists: 404 ResourceNotFound means the table is there. */
async function tableExists(
  table: TableClient,
  calls: TableCallOptions,
  signal?: Signal,
): Promise<boolean> {
  try {
    await tableCall(
      'read',
      table,
      calls,
      (abortSignal) => table.getEntity('~', '~', { abortSignal }),
      signal,
    );
    return true;
  } catch (error) {
    if (isTableNotFound(error)) return false;
    if (statusOf(error) === 404) return true;
    throw error;
  }
}
