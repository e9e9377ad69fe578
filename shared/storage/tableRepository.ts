/**
 * Table Storage adapter of the repository port (@azure/data-tables): Azure Storage,
 * Cosmos DB for Table, or Azurite.
 *
 * - members: PartitionKey = key(email), RowKey = key(loyaltyId): "is this ID registered to this
 *   email" is one point read; all memberships of an email are one partition.
 * - balances: PartitionKey = key(objectId), RowKey = "balance"; created with insert-if-absent,
 *   so concurrent first calls and B2C's retry create exactly one row.
 * User values only ever reach a filter through the SDK's `odata` escaping, and keys are encoded
 * (keys.ts).
 */
import {
  odata,
  RestError,
  type TableClient,
  type TableEntityResult,
  type TableServiceClientOptions,
} from '@azure/data-tables';
import { normalizeEmail } from '../loyalty/email';
import { formatMoney, parseMoney, type Money } from '../loyalty/money';
import { createTableClient } from './connection';
import { encodeKey } from './keys';
import {
  byLoyaltyId,
  MEMBER_STATUSES,
  StorageCorruptError,
  StorageUnavailableError,
  type BalanceLookup,
  type LoyaltyMember,
  type LoyaltyRepository,
  type MemberStatus,
  type SaveOutcome,
} from './repository';

export interface TableRepositoryOptions {
  readonly connectionString: string;
  readonly loyaltyTableName: string;
  readonly balancesTableName: string;
  /** Upper bound of one storage call, including the SDK's own retries. */
  readonly timeoutMs?: number;
  /** SDK client options: retry tuning, or a fake `httpClient` in failure tests. */
  readonly clientOptions?: TableServiceClientOptions;
}

interface MemberEntity {
  email: string;
  loyaltyId: string;
  promoCode: string;
  status: string;
}

interface BalanceEntity {
  objectId: string;
  balance: string;
}

const BALANCE_ROW = 'balance';

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

/** The service's error code: `x-ms-error-code`, where the SDK leaves `code` empty. */
function errorCode(error: RestError): string | undefined {
  return error.code ?? error.response?.headers.get('x-ms-error-code') ?? undefined;
}

function isTableNotFound(error: unknown): boolean {
  return (
    error instanceof RestError && error.statusCode === 404 && errorCode(error) === 'TableNotFound'
  );
}

/** A definite answer from the service, which callers act on (not found, already exists). */
function isDefiniteAnswer(error: unknown): error is RestError {
  const status = statusOf(error);
  return status === 404 || status === 409 || status === 412;
}

/** Anything but a definite answer (network, timeout, 5xx, throttling) is "unavailable". */
function unavailable(operation: string, error: unknown): StorageUnavailableError {
  const status = statusOf(error);
  const detail =
    status !== undefined
      ? `HTTP ${status}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return new StorageUnavailableError(`Table Storage ${operation} failed (${detail})`, error);
}

export class TableLoyaltyRepository implements LoyaltyRepository {
  private readonly members: TableClient;
  private readonly balances: TableClient;
  private readonly timeoutMs: number;
  private ready: Promise<void> | undefined;

  constructor(options: TableRepositoryOptions) {
    const clientOptions: TableServiceClientOptions = {
      retryOptions: { maxRetries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 400 },
      ...options.clientOptions,
    };
    this.members = createTableClient(
      options.connectionString,
      options.loyaltyTableName,
      clientOptions,
    );
    this.balances = createTableClient(
      options.connectionString,
      options.balancesTableName,
      clientOptions,
    );
    this.timeoutMs = options.timeoutMs ?? 1500;
  }

  init(): Promise<void> {
    this.ready ??= Promise.all([
      this.call('createTable', (abortSignal) => this.members.createTable({ abortSignal })),
      this.call('createTable', (abortSignal) => this.balances.createTable({ abortSignal })),
    ]).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined; // a later call tries again
        throw error;
      },
    );
    return this.ready;
  }

  async findMember(email: string, loyaltyId: string): Promise<LoyaltyMember | undefined> {
    const entity = await this.read(
      this.members,
      encodeKey(normalizeEmail(email)),
      encodeKey(loyaltyId),
    );
    return entity === undefined ? undefined : toMember(entity);
  }

  async listMembersByEmail(email: string): Promise<LoyaltyMember[]> {
    const partitionKey = encodeKey(normalizeEmail(email));
    return this.withTable(() =>
      this.call('query', async (abortSignal) => {
        const found: LoyaltyMember[] = [];
        const pages = this.members.listEntities<MemberEntity>({
          queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` },
          abortSignal,
        });
        for await (const entity of pages) found.push(toMember(entity));
        return found.sort(byLoyaltyId);
      }),
    );
  }

  async saveMember(member: LoyaltyMember): Promise<SaveOutcome> {
    const email = normalizeEmail(member.email);
    const partitionKey = encodeKey(email);
    const rowKey = encodeKey(member.loyaltyId);
    const existing = await this.read(this.members, partitionKey, rowKey);
    const next: MemberEntity = {
      email,
      loyaltyId: member.loyaltyId,
      promoCode: member.promoCode,
      status: member.status,
    };
    if (
      existing !== undefined &&
      existing.email === next.email &&
      existing.loyaltyId === next.loyaltyId &&
      existing.promoCode === next.promoCode &&
      existing.status === next.status
    ) {
      return 'unchanged';
    }
    await this.withTable(() =>
      this.call('upsert', (abortSignal) =>
        this.members.upsertEntity({ partitionKey, rowKey, ...next }, 'Replace', { abortSignal }),
      ),
    );
    return existing === undefined ? 'added' : 'updated';
  }

  async isEmpty(): Promise<boolean> {
    return this.withTable(() =>
      this.call('query', async (abortSignal) => {
        const pages = this.members
          .listEntities({ queryOptions: { select: ['PartitionKey'] }, abortSignal })
          .byPage({ maxPageSize: 1 });
        for await (const page of pages) return page.length === 0;
        return true;
      }),
    );
  }

  async getBalance(objectId: string): Promise<Money | undefined> {
    const entity = await this.read<BalanceEntity>(this.balances, encodeKey(objectId), BALANCE_ROW);
    return entity === undefined ? undefined : toMoney(entity);
  }

  async getOrCreateBalance(objectId: string, starting: Money): Promise<BalanceLookup> {
    const partitionKey = encodeKey(objectId);
    const existing = await this.read<BalanceEntity>(this.balances, partitionKey, BALANCE_ROW);
    if (existing !== undefined) return { balance: toMoney(existing), created: false };
    try {
      await this.withTable(() =>
        this.call('insert', (abortSignal) =>
          this.balances.createEntity<BalanceEntity>(
            { partitionKey, rowKey: BALANCE_ROW, objectId, balance: formatMoney(starting) },
            { abortSignal },
          ),
        ),
      );
      return { balance: starting, created: true };
    } catch (error) {
      // Another call (a concurrent first call, or B2C's retry) inserted it first: read theirs.
      if (statusOf(error) !== 409) throw error;
      const winner = await this.read<BalanceEntity>(this.balances, partitionKey, BALANCE_ROW);
      if (winner === undefined) throw error;
      return { balance: toMoney(winner), created: false };
    }
  }

  async setBalance(objectId: string, balance: Money): Promise<void> {
    await this.withTable(() =>
      this.call('upsert', (abortSignal) =>
        this.balances.upsertEntity<BalanceEntity>(
          {
            partitionKey: encodeKey(objectId),
            rowKey: BALANCE_ROW,
            objectId,
            balance: formatMoney(balance),
          },
          'Replace',
          { abortSignal },
        ),
      ),
    );
  }

  async ping(): Promise<void> {
    await this.read(this.balances, 'health', 'ping');
  }

  /** Point read: undefined on 404 (no such entity). */
  private async read<T extends object = MemberEntity>(
    table: TableClient,
    partitionKey: string,
    rowKey: string,
  ): Promise<TableEntityResult<T> | undefined> {
    try {
      return await this.withTable(() =>
        this.call('read', (abortSignal) =>
          table.getEntity<T>(partitionKey, rowKey, { abortSignal }),
        ),
      );
    } catch (error) {
      if (statusOf(error) === 404 && !isTableNotFound(error)) return undefined;
      throw error;
    }
  }

  /** A table deleted at run time is recreated once, then the operation runs again. */
  private async withTable<T>(operation: () => Promise<T>): Promise<T> {
    await this.init();
    try {
      return await operation();
    } catch (error) {
      if (!isTableNotFound(error)) throw error;
      this.ready = undefined;
      await this.init();
      return operation();
    }
  }

  /**
   * Runs one SDK call under the storage timeout. Definite answers (404, 409, 412) pass through as
   * RestError; every other failure becomes StorageUnavailableError.
   */
  private async call<T>(
    operation: string,
    run: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    try {
      return await run(AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      if (isDefiniteAnswer(error)) throw error;
      throw unavailable(operation, error);
    }
  }
}

function toMember(entity: Partial<MemberEntity>): LoyaltyMember {
  const status = entity.status as MemberStatus;
  if (
    typeof entity.email !== 'string' ||
    typeof entity.loyaltyId !== 'string' ||
    typeof entity.promoCode !== 'string' ||
    !MEMBER_STATUSES.includes(status)
  ) {
    throw new StorageCorruptError('A loyalty member row does not have the expected properties');
  }
  return { email: entity.email, loyaltyId: entity.loyaltyId, promoCode: entity.promoCode, status };
}

function toMoney(entity: Partial<BalanceEntity>): Money {
  const parsed = typeof entity.balance === 'string' ? parseMoney(entity.balance) : undefined;
  if (!parsed?.ok) throw new StorageCorruptError('A balance row does not hold an amount');
  return parsed.value;
}
