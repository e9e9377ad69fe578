/**
 * Least privilege: the identity may hold only Storage Table Data Contributor on an account whose
 * tables the deployment made, so creating a table is refused (403). That is not an error when
 * the table is there; when it is not, the failure says why. Tested on Azurite with a transport
 * that answers 403 to table creation and passes every other request through.
 */
import {
  createDefaultHttpClient,
  createHttpHeaders,
  type HttpClient,
} from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { makeGetProfile } from '../../functions/GetProfile';
import { createTableClient } from '../../shared/storage/table/connection';
import { TableAttemptStore } from '../../shared/storage/table/tableAttemptStore';
import { TableLoyaltyRepository } from '../../shared/storage/table/tableRepository';
import { invoke, testDeps } from '../support/invoke';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

/** Users by objectId: a GUID, as B2C and Entra send it. */
const RBAC_USER = 'a60ccfcd-8e15-4b33-86c6-e72d1b058122';

/** Real Azurite, but POST …/Tables (create table) is refused as RBAC refuses it. */
function noCreateRights(): HttpClient & { refused: number } {
  const real = createDefaultHttpClient();
  const transport = {
    refused: 0,
    async sendRequest(request: Parameters<HttpClient['sendRequest']>[0]) {
      if (request.method === 'POST' && /\/Tables$/.test(new URL(request.url).pathname)) {
        transport.refused += 1;
        return {
          request,
          status: 403,
          headers: createHttpHeaders({
            'content-type': 'application/json;odata=minimalmetadata',
            'x-ms-error-code': 'AuthorizationPermissionMismatch',
          }),
          bodyAsText: JSON.stringify({
            'odata.error': {
              code: 'AuthorizationPermissionMismatch',
              message: {
                value:
                  'This request is not authorized to perform this operation using this permission.',
              },
            },
          }),
        };
      }
      return real.sendRequest(request);
    },
  };
  return transport;
}

describe('an identity that may not create tables', () => {
  it('starts and serves when the tables exist', async () => {
    const names = uniqueTableNames('Rbac');
    const attemptsTable = `${names.loyaltyTableName}Attempts`;
    for (const table of [names.loyaltyTableName, names.balancesTableName, attemptsTable]) {
      await createTableClient(azuriteConnectionString(), table).createTable();
    }
    const transport = noCreateRights();
    const clientOptions = { httpClient: transport };
    const repository = new TableLoyaltyRepository({
      tables: azuriteConnectionString(),
      ...names,
      clientOptions,
    });
    const attempts = new TableAttemptStore({
      tables: azuriteConnectionString(),
      tableName: attemptsTable,
      clientOptions,
    });
    await expect(Promise.all([repository.init(), attempts.init()])).resolves.toBeDefined();
    expect(transport.refused).toBe(3);
    const answer = await invoke(makeGetProfile(testDeps({ repository, attempts })), {
      json: { objectId: RBAC_USER },
    });
    expect(answer.body).toEqual({ balance: '50.00' });
  });

  it('says why when a table it may not create is missing', async () => {
    const repository = new TableLoyaltyRepository({
      tables: azuriteConnectionString(),
      ...uniqueTableNames('RbacMissing'),
      clientOptions: { httpClient: noCreateRights() },
    });
    await expect(repository.init()).rejects.toThrow(
      'Table Storage createTable failed (HTTP 403 AuthorizationPermissionMismatch)',
    );
    const answer = await invoke(makeGetProfile(testDeps({ repository })), {
      json: { objectId: RBAC_USER },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({});
    expect(answer.logs.map((l) => l.message).join('\n')).toContain(
      'AuthorizationPermissionMismatch',
    );
  });
});
