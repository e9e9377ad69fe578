/**
 * How Table Storage is reached, from the settings: a connection string wins; else TABLES_ENDPOINT
 * with a Microsoft Entra token; else the Functions host's AzureWebJobsStorage conventions; else
 * development storage. And the start-up line that says which, never with a key.
 */
import { describe, expect, it } from 'vitest';
import { tablesAccess } from '../../shared/storage/table/access';
import { describeTables } from '../../shared/storage/table/credential';

const ENDPOINT = 'https://acme.table.core.windows.net';
const CLIENT = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const KEYED =
  'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net';

describe('the way to Table Storage', () => {
  it.each([
    [
      {},
      { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true', from: 'default' },
    ],
    [
      { TABLES_CONNECTION_STRING: KEYED, TABLES_ENDPOINT: ENDPOINT },
      { kind: 'connectionString', connectionString: KEYED, from: 'TABLES_CONNECTION_STRING' },
    ],
    [
      { TABLES_ENDPOINT: `${ENDPOINT}/`, AzureWebJobsStorage: KEYED },
      { kind: 'identity', endpoint: ENDPOINT, clientId: undefined, from: 'TABLES_ENDPOINT' },
    ],
    [
      { TABLES_ENDPOINT: ENDPOINT, AZURE_CLIENT_ID: CLIENT.toUpperCase() },
      { kind: 'identity', endpoint: ENDPOINT, clientId: CLIENT, from: 'TABLES_ENDPOINT' },
    ],
    [
      { AzureWebJobsStorage: KEYED, AzureWebJobsStorage__tableServiceUri: ENDPOINT },
      { kind: 'connectionString', connectionString: KEYED, from: 'AzureWebJobsStorage' },
    ],
    [
      {
        AzureWebJobsStorage__tableServiceUri: ENDPOINT,
        AzureWebJobsStorage__credential: 'managedidentity',
        AzureWebJobsStorage__clientId: CLIENT,
      },
      {
        kind: 'identity',
        endpoint: ENDPOINT,
        clientId: CLIENT,
        from: 'AzureWebJobsStorage__tableServiceUri',
      },
    ],
    [
      {
        AzureWebJobsStorage__accountName: 'acme',
        AzureWebJobsStorage__credential: 'managedidentity',
      },
      {
        kind: 'identity',
        endpoint: ENDPOINT,
        clientId: undefined,
        from: 'AzureWebJobsStorage__accountName',
      },
    ],
    [
      // A sovereign cloud: the account's endpoint in the suffix the setting names.
      {
        AzureWebJobsStorage__accountName: 'acme',
        AzureWebJobsStorage__credential: 'managedidentity',
        STORAGE_ENDPOINT_SUFFIX: 'core.usgovcloudapi.net',
      },
      {
        kind: 'identity',
        endpoint: 'https://acme.table.core.usgovcloudapi.net',
        clientId: undefined,
        from: 'AzureWebJobsStorage__accountName',
      },
    ],
    [
      { TABLES_CONNECTION_STRING: '  ', TABLES_ENDPOINT: ENDPOINT },
      { kind: 'identity', endpoint: ENDPOINT, clientId: undefined, from: 'TABLES_ENDPOINT' },
    ],
  ])('%j → %j', (env, access) => {
    expect(tablesAccess(env)).toEqual(access);
  });

  it.each([
    [
      { TABLES_ENDPOINT: 'http://acme.table.core.windows.net' },
      'Setting TABLES_ENDPOINT is malformed',
    ],
    [{ TABLES_ENDPOINT: 'acme' }, 'Setting TABLES_ENDPOINT is malformed'],
    [{ TABLES_ENDPOINT: `${ENDPOINT}?sv=2020&sig=x` }, 'without a query or credentials'],
    [{ TABLES_ENDPOINT: ENDPOINT, AZURE_CLIENT_ID: 'me' }, 'Setting AZURE_CLIENT_ID is malformed'],
    [
      {
        AzureWebJobsStorage__tableServiceUri: 'http://x',
        AzureWebJobsStorage__credential: 'managedidentity',
      },
      'Setting AzureWebJobsStorage__tableServiceUri is malformed',
    ],
    [{ AzureWebJobsStorage__accountName: 'Not_An_Account' }, 'AzureWebJobsStorage__accountName'],
    [
      { AzureWebJobsStorage__accountName: 'acme', STORAGE_ENDPOINT_SUFFIX: 'evil.com/x?' },
      'Setting STORAGE_ENDPOINT_SUFFIX is malformed',
    ],
  ])('refuses %j, naming the setting', (env, text) => {
    expect(() => tablesAccess(env)).toThrow(text);
  });

  it('is named at start without a key', () => {
    expect(
      describeTables(tablesAccess({ TABLES_ENDPOINT: ENDPOINT, AZURE_CLIENT_ID: CLIENT })),
    ).toBe(
      `Table Storage at ${ENDPOINT} with a Microsoft Entra token (DefaultAzureCredential, user-assigned identity ${CLIENT}; from TABLES_ENDPOINT)`,
    );
    const keyed = describeTables(tablesAccess({ TABLES_CONNECTION_STRING: KEYED }));
    expect(keyed).toBe(
      `Table Storage at ${ENDPOINT} with a connection string (from TABLES_CONNECTION_STRING)`,
    );
    expect(keyed).not.toContain('c2VjcmV0');
    expect(describeTables(tablesAccess({}))).toContain('development storage');
  });
});
