/**
 * The one storage seam: createStorage builds, from the settings alone, adapters that share one
 * store: what the admin adapter saves, the serving repository finds and the counter store keeps
 * beside it; and it describes where the data is without a key.
 */
import { describe, expect, it } from 'vitest';
import { loadStorageSettings } from '../../shared/config';
import { createStorage } from '../../shared/storage/factory';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

function storageFromSettings() {
  const names = uniqueTableNames('Factory');
  return createStorage(
    loadStorageSettings({
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      LOYALTY_TABLE_NAME: names.loyaltyTableName,
      BALANCES_TABLE_NAME: names.balancesTableName,
      FAILED_VALIDATIONS_TABLE_NAME: `${names.loyaltyTableName}Fails`,
    }),
  );
}

describe('createStorage', () => {
  it('builds an admin adapter, a repository and a counter store on the same tables', async () => {
    const storage = storageFromSettings();
    const admin = await storage.admin();
    await admin.init();
    expect(
      await admin.saveMember({
        email: 'Ana@Contoso.com',
        loyaltyId: 'F-1',
        promoCode: 'FACTORY',
        status: 'active',
      }),
    ).toBe('added');
    const repository = storage.repository();
    expect(await repository.findMember('ana@contoso.com', 'F-1')).toMatchObject({
      promoCode: 'FACTORY',
    });
    const attempts = storage.attempts();
    await attempts.init();
    const windowStart = new Date('2026-01-01T00:00:00Z');
    expect(await attempts.write('ana@contoso.com', { count: 1, windowStart }, undefined)).toBe(
      true,
    );
    expect((await attempts.read('ana@contoso.com')).attempts?.count).toBe(1);
  });

  it('describes where the data is without the account key', () => {
    const { description } = storageFromSettings();
    expect(description).toMatch(/^Table Storage at http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1/);
    expect(description).not.toContain('AccountKey');
  });
});
