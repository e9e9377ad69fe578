/**
 * Making sure a table is there, with least privilege in mind: creating a table that exists is
 * no error (the SDK swallows its 409), and neither is being refused the creation (403, an
 * identity with Storage Table Data Contributor on an account whose tables were made by the
 * deployment) when the table turns out to exist. EnsuredTables is how the adapters use it.
 */
import type { Signal } from '../../abort';
import type { TableClient } from '@azure/data-tables';
import { StorageUnavailableError } from '../../loyalty/ports';
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

/**
 * The tables of one adapter, made sure of when first needed: `ensure` creates them once (and
 * again after a failure); `run` runs a call and, when a table turns out to be missing (never
 * created, or deleted while the app runs), creates the tables and runs the call once more.
 */
export class EnsuredTables {
  #ready: Promise<void> | undefined;

  constructor(
    private readonly tables: readonly TableClient[],
    private readonly calls: TableCallOptions,
  ) {}

  ensure(signal?: Signal): Promise<void> {
    this.#ready ??= Promise.all(
      this.tables.map((table) => ensureTable(table, this.calls, signal)),
    ).then(
      () => undefined,
      (error: unknown) => {
        this.#ready = undefined; // a later call tries again
        throw error;
      },
    );
    return this.#ready;
  }

  async run<T>(signal: Signal | undefined, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!isTableNotFound(error)) throw error;
      this.#ready = undefined;
      await this.ensure(signal);
      return operation();
    }
  }
}
