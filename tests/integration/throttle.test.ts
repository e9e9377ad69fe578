/**
 * Guessing is throttled: after MAX_FAILED_VALIDATIONS failed validations for one email within
 * FAILED_VALIDATION_WINDOW_MINUTES, ValidateProfile answers "too many attempts" until the window
 * passes. The counter lives in Table Storage, so it holds across instances.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { TableAttemptStore } from '../../shared/storage/table/tableAttemptStore';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { attemptStoreContract } from '../support/attemptStoreContract';
import { aMember } from '../support/builders';
import { expectCustomPolicyAnswer, expectUserFlowAnswer } from '../support/contract';
import { invoke, testDeps } from '../support/invoke';
import { azuriteConnectionString } from '../support/tables';

const newTable = () => `Attempts${randomBytes(4).toString('hex')}`;

attemptStoreContract('Table Storage (Azurite)', async () => {
  const store = new TableAttemptStore({
    tables: azuriteConnectionString(),
    tableName: newTable(),
  });
  await store.init();
  return store;
});

describe('ValidateProfile throttles guessing', () => {
  const repository = new MemoryLoyaltyRepository();
  const tableName = newTable();
  let now = new Date('2026-11-22T10:00:00Z');
  const env = { MAX_FAILED_VALIDATIONS: '3', FAILED_VALIDATION_WINDOW_MINUTES: '15' };
  // Two instances of the app: separate stores, one table.
  const instance = () =>
    makeValidateProfile(
      testDeps({
        repository,
        env,
        clock: () => now,
        attempts: new TableAttemptStore({ tables: azuriteConnectionString(), tableName }),
      }),
    );
  let first: ReturnType<typeof instance>;
  let second: ReturnType<typeof instance>;

  beforeAll(async () => {
    await repository.saveMember(
      aMember({ email: 'david@contoso.com', loyaltyId: '5678', promoCode: 'SPRING24' }),
    );
    first = instance();
    second = instance();
  });

  const guess = (handler: typeof first, loyaltyId: string, extra: Record<string, string> = {}) =>
    invoke(handler, { json: { email: 'david@contoso.com', loyaltyId, ...extra } });

  it('after the limit, across instances, answers a localized "too many attempts" — even to the right ID', async () => {
    expect((await guess(first, '1')).body.code).toBe('NotAssociated');
    expect((await guess(second, '2')).body.code).toBe('NotAssociated');
    expect((await guess(first, '3')).body.code).toBe('NotAssociated');

    const blocked = await guess(second, '5678');
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({
      code: 'TooManyAttempts',
      userMessage: 'Too many attempts. Please wait a few minutes and try again.',
    });
    expectCustomPolicyAnswer(blocked);

    const french = await guess(first, '4', { lang: '1036' });
    expect(french.body.userMessage).toBe(
      'Trop de tentatives. Veuillez patienter quelques minutes et réessayer.',
    );

    const userFlow = await invoke(second, {
      json: {
        step: 'PostAttributeCollection',
        email: 'david@contoso.com',
        extension_loyaltyId: '5678',
      },
    });
    expect(userFlow.status).toBe(400);
    expect(userFlow.body).toMatchObject({ action: 'ValidationError', code: 'TooManyAttempts' });
    expectUserFlowAnswer(userFlow);
  });

  it('does not throttle another email', async () => {
    const other = await invoke(first, { json: { email: 'eve@contoso.com', loyaltyId: '1' } });
    expect(other.body.code).toBe('NotAssociated');
  });

  it('lets the email in again once the window has passed', async () => {
    now = new Date(now.getTime() + 15 * 60_000);
    const answer = await guess(first, '5678');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ promoCode: 'SPRING24' });
  });
});
