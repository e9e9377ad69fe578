/**
 * The functions over the real Table adapter and Azurite: stored state, concurrency, and
 * degraded answers when storage fails (fake SDK transport, a silent server, a refused port).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeGetProfile } from '../../functions/GetProfile';
import { makeHealth } from '../../functions/health';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { azuriteConnectionString as azuriteOn } from '../../scripts/host/azurite';
import { createTableClient } from '../../shared/storage/table/connection';
import { TableLoyaltyAdmin } from '../../shared/storage/table/tableAdmin';
import { aMember } from '../support/builders';
import { expectCustomPolicyAnswer, expectUserFlowAnswer } from '../support/contract';
import { refusingPort, silentServer, statusTransport } from '../support/faultyStorage';
import { invoke, testDeps } from '../support/invoke';
import { azuriteConnectionString, tableRepository, uniqueTableNames } from '../support/tables';

/** Users by their objectId (a GUID, as B2C sends it). */
const RACE_USER = '907deac9-75bb-4379-8630-73ec6122930f';
const RETRIED_USER = 'adceadfc-6247-4f8c-888c-0b835ca22bad';
const DECIMAL_USER = '53765041-122a-459e-8cb0-5c0a9fdb6ad8';
const AFTER_DROP = 'e318436f-0c0c-4705-86e3-e661d40ad18a';
const SOME_USER = 'd9567975-2134-42d9-8b61-dbd7b91c4bcc';

describe('functions on Table Storage (Azurite)', () => {
  const tables = uniqueTableNames('Fn');
  let repository: TableLoyaltyAdmin;

  beforeAll(async () => {
    repository = tableRepository('unused', tables);
    await repository.init();
    await repository.saveMember(
      aMember({ email: 'o#hash?/x+y@contoso.com', loyaltyId: '42', promoCode: 'HASH' }),
    );
  });

  it('validates a pair whose email holds # ? / + against the stored row', async () => {
    const answer = await invoke(makeValidateProfile(testDeps({ repository })), {
      json: { email: 'O#hash?/x+y@Contoso.com', loyaltyId: '42' },
    });
    expect(answer.body).toEqual({ promoCode: 'HASH' });
  });

  it('50 concurrent first calls for one new objectId (GetProfile and EnrichToken mixed) create exactly one row and agree', async () => {
    const deps = testDeps({ repository });
    const getProfile = makeGetProfile(deps);
    const enrichToken = makeEnrichToken(deps);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? invoke(getProfile, { json: { objectId: RACE_USER } }).then((a) => a.body.balance)
          : invoke(enrichToken, {
              json: { step: 'PreTokenIssuance', objectId: RACE_USER },
            }).then((a) => a.body.extension_balance),
      ),
    );
    expect(new Set(answers)).toEqual(new Set(['50.00']));

    const balances = createTableClient(azuriteConnectionString(), tables.balancesTableName);
    const rows = [];
    for await (const row of balances.listEntities<{ objectId: string }>()) {
      if (row.objectId === RACE_USER) rows.push(row);
    }
    expect(rows).toHaveLength(1);
    expect(deps.telemetry.events.filter((e) => e.properties.outcome === 'registered')).toHaveLength(
      1,
    );
  });

  it("B2C's retry after an answer changes nothing: same answer, the row untouched", async () => {
    const handler = makeGetProfile(testDeps({ repository }));
    const first = await invoke(handler, {
      json: { objectId: RETRIED_USER },
    });
    const balances = createTableClient(azuriteConnectionString(), tables.balancesTableName);
    const key = Buffer.from(RETRIED_USER).toString('base64url');
    const before = await balances.getEntity(key, 'balance');
    const retry = await invoke(handler, {
      json: { objectId: RETRIED_USER },
    });
    const after = await balances.getEntity(key, 'balance');
    expect(retry.body).toEqual(first.body);
    expect(after.etag).toBe(before.etag);
  });

  it('stores the balance as exact decimal text, never a float', async () => {
    await repository.setBalance(DECIMAL_USER, { cents: 1234567890123n });
    const balances = createTableClient(azuriteConnectionString(), tables.balancesTableName);
    const row = await balances.getEntity<{ balance: unknown }>(
      Buffer.from(DECIMAL_USER).toString('base64url'),
      'balance',
    );
    expect(row.balance).toBe('12345678901.23');
    const answer = await invoke(makeGetProfile(testDeps({ repository })), {
      json: { objectId: DECIMAL_USER },
    });
    expect(answer.body).toEqual({ balance: '12345678901.23' });
  });

  it('recreates a table deleted while the app runs, once, and answers', async () => {
    const names = uniqueTableNames('Drop');
    const own = tableRepository('Drop', names);
    await own.init();
    const client = createTableClient(azuriteConnectionString(), names.balancesTableName);
    await client.deleteTable();
    const answer = await invoke(makeGetProfile(testDeps({ repository: own })), {
      json: { objectId: AFTER_DROP },
    });
    expect(answer.body).toEqual({ balance: '50.00' });
  });

  it('health answers 200 with storage ok', async () => {
    const answer = await invoke(makeHealth(testDeps({ repository })), { method: 'GET' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', storage: 'ok', version: '1.0.0' });
  });
});

describe('when storage fails', () => {
  const unavailableRepositories: [
    string,
    () => Promise<{ repo: TableLoyaltyAdmin; done: () => Promise<void> }>,
  ][] = [
    [
      'answers 503',
      async () => ({
        repo: tableRepository('Busy', { clientOptions: { httpClient: statusTransport(503) } }),
        done: async () => {},
      }),
    ],
    [
      'answers 500',
      async () => ({
        repo: tableRepository('Broken', { clientOptions: { httpClient: statusTransport(500) } }),
        done: async () => {},
      }),
    ],
    [
      'refuses connections',
      async () => ({
        repo: new TableLoyaltyAdmin({
          tables: azuriteOn(await refusingPort()),
          ...uniqueTableNames('Refused'),
        }),
        done: async () => {},
      }),
    ],
    [
      'accepts connections and never answers',
      async () => {
        const silent = await silentServer();
        return {
          repo: new TableLoyaltyAdmin({
            tables: azuriteOn(silent.port),
            ...uniqueTableNames('Silent'),
            timeoutMs: 300,
          }),
          done: silent.close,
        };
      },
    ],
  ];

  describe.each(unavailableRepositories)('(storage %s)', (_label, make) => {
    let repo: TableLoyaltyAdmin;
    let done: () => Promise<void>;
    beforeAll(async () => {
      ({ repo, done } = await make());
    });
    afterAll(async () => done());

    it('ValidateProfile answers 409 with a retry message (custom policy) and logs a warning', async () => {
      const answer = await invoke(makeValidateProfile(testDeps({ repository: repo })), {
        json: { email: 'a@contoso.com', loyaltyId: '1' },
      });
      expect(answer.status).toBe(409);
      expect(answer.body.userMessage).toBe(
        "We can't check your loyalty ID right now. Please try again in a moment.",
      );
      expectCustomPolicyAnswer(answer);
      expect(
        answer.logs.some((l) => l.level === 'warning' && l.message.includes(answer.invocationId)),
      ).toBe(true);
    });

    it('ValidateProfile answers a ValidationError at PostAttributeCollection and Continue at PostFederationSignup', async () => {
      const handler = makeValidateProfile(testDeps({ repository: repo }));
      const pac = await invoke(handler, {
        json: { step: 'PostAttributeCollection', email: 'a@contoso.com', extension_loyaltyId: '1' },
      });
      expect(pac.status).toBe(400);
      expect(pac.body.action).toBe('ValidationError');
      expectUserFlowAnswer(pac);
      const pfs = await invoke(handler, {
        json: { step: 'PostFederationSignup', email: 'a@contoso.com' },
      });
      expect(pfs.body).toEqual({ version: '1.0.0', action: 'Continue' });
    });

    it('GetProfile answers 200 without balance', async () => {
      const deps = testDeps({ repository: repo });
      const answer = await invoke(makeGetProfile(deps), {
        json: { objectId: SOME_USER },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({});
      expect(deps.telemetry.events[0]?.properties.outcome).toBe('unavailable');
    });

    it('EnrichToken answers Continue without the claims it could not read', async () => {
      const answer = await invoke(makeEnrichToken(testDeps({ repository: repo })), {
        json: {
          step: 'PreTokenIssuance',
          objectId: SOME_USER,
          email: 'a@contoso.com',
        },
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ version: '1.0.0', action: 'Continue' });
    });

    it('health answers 503 with storage unavailable', async () => {
      const answer = await invoke(makeHealth(testDeps({ repository: repo }), 500), {
        method: 'GET',
      });
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ status: 'degraded', storage: 'unavailable', version: '1.0.0' });
    });
  });
});
