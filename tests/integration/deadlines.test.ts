/**
 * Budgets: whatever storage does, every function answers its degraded answer within
 * REQUEST_BUDGET_MS (+200 ms), never a 5xx and never a hang. Tables are created once.
 */
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeGetProfile } from '../../functions/GetProfile';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { azuriteConnectionString as azuriteOn } from '../../scripts/host/azurite';
import { loadConfig } from '../../shared/config';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { TableLoyaltyAdmin } from '../../shared/storage/table/tableAdmin';
import { TableLoyaltyRepository } from '../../shared/storage/table/tableRepository';
import { expectCustomPolicyAnswer, expectUserFlowAnswer } from '../support/contract';
import { refusingPort, silentServer, statusTransport } from '../support/faultyStorage';
import { DEVELOPMENT, invoke, testDeps, type RequestSpec } from '../support/invoke';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

/** Users by objectId: a GUID, as B2C and Entra send it. */
const SOME_USER = 'd9567975-2134-42d9-8b61-dbd7b91c4bcc';
const A_USER = '7b774eff-e4a3-49c6-8d82-ad4f4f21d34c';

const config = loadConfig(DEVELOPMENT); // the defaults: STORAGE_TIMEOUT_MS 1500, REQUEST_BUDGET_MS 3000
const LIMIT_MS = config.requestBudgetMs + 200;

interface Probe {
  readonly name: string;
  readonly spec: RequestSpec;
  readonly make: typeof makeGetProfile;
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const UNAVAILABLE = "We can't check your loyalty ID right now. Please try again in a moment.";

const probes: Probe[] = [
  {
    name: 'ValidateProfile (custom policy)',
    make: makeValidateProfile,
    spec: { json: { email: 'a@contoso.com', loyaltyId: '1' } },
    status: 409,
    body: { status: 409, userMessage: UNAVAILABLE },
  },
  {
    name: 'ValidateProfile (PostAttributeCollection)',
    make: makeValidateProfile,
    spec: {
      json: { step: 'PostAttributeCollection', email: 'a@contoso.com', extension_loyaltyId: '1' },
    },
    status: 400,
    body: { action: 'ValidationError', userMessage: UNAVAILABLE },
  },
  {
    name: 'ValidateProfile (PostFederationSignup)',
    make: makeValidateProfile,
    spec: { json: { step: 'PostFederationSignup', email: 'a@contoso.com' } },
    status: 200,
    body: { version: '1.0.0', action: 'Continue' },
  },
  {
    name: 'GetProfile (custom policy)',
    make: makeGetProfile,
    spec: { json: { objectId: SOME_USER } },
    status: 200,
    body: {},
  },
  {
    name: 'EnrichToken (PreTokenIssuance)',
    make: makeEnrichToken,
    spec: {
      json: {
        step: 'PreTokenIssuance',
        objectId: SOME_USER,
        email: 'a@contoso.com',
      },
    },
    status: 200,
    body: { version: '1.0.0', action: 'Continue' },
  },
];

async function probeAll(repository: TableLoyaltyRepository): Promise<void> {
  const results = await Promise.all(
    probes.map(async (probe) => {
      const deps = testDeps({ repository });
      const started = performance.now();
      const answer = await invoke(probe.make(deps), probe.spec);
      return { probe, answer, elapsed: performance.now() - started, telemetry: deps.telemetry };
    }),
  );
  for (const { probe, answer, elapsed, telemetry } of results) {
    expect(answer.status, probe.name).toBe(probe.status);
    expect(answer.body, probe.name).toMatchObject(probe.body);
    if (probe.spec.json && 'step' in (probe.spec.json as object)) expectUserFlowAnswer(answer);
    else expectCustomPolicyAnswer(answer);
    expect(elapsed, `${probe.name} answered after ${elapsed.toFixed(0)} ms`).toBeLessThanOrEqual(
      LIMIT_MS,
    );
    expect(
      telemetry.events.map((e) => e.properties.outcome),
      probe.name,
    ).toContain('unavailable');
    expect(
      answer.logs.some((l) => l.level === 'warning' && l.message.includes(answer.invocationId)),
      probe.name,
    ).toBe(true);
  }
}

function tableRepo(connectionString: string, httpClient?: HttpClient): TableLoyaltyRepository {
  return new TableLoyaltyRepository({
    tables: connectionString,
    ...uniqueTableNames('Budget'),
    timeoutMs: config.storageTimeoutMs,
    clientOptions: httpClient ? { httpClient } : {},
  });
}

describe(`with the default budgets, every function answers within ${LIMIT_MS} ms when storage`, () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(async () => silent.close());

  it('accepts connections and never answers', async () => {
    await probeAll(tableRepo(azuriteOn(silent.port)));
  });

  it('refuses connections', async () => {
    await probeAll(tableRepo(azuriteOn(await refusingPort())));
  });

  it('answers 503', async () => {
    await probeAll(tableRepo(azuriteConnectionString(), statusTransport(503)));
  });

  it('answers 500', async () => {
    await probeAll(tableRepo(azuriteConnectionString(), statusTransport(500)));
  });
});

describe('the request budget', () => {
  it('answers the degraded answer when the work outlives REQUEST_BUDGET_MS, and says so', async () => {
    const hanging = new MemoryLoyaltyRepository();
    hanging.getOrCreateBalance = () => new Promise(() => undefined);
    const deps = testDeps({
      repository: hanging,
      env: { STORAGE_TIMEOUT_MS: '100', REQUEST_BUDGET_MS: '200' },
    });
    const telemetry = deps.telemetry;
    const started = performance.now();
    const answer = await invoke(makeGetProfile(deps), {
      json: { objectId: SOME_USER },
    });
    expect(performance.now() - started).toBeLessThanOrEqual(400);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({});
    expect(answer.logs.some((l) => l.message.includes('REQUEST_BUDGET_MS'))).toBe(true);
    expect(telemetry.events[0]?.properties).toMatchObject({
      outcome: 'unavailable',
      reason: 'budget',
    });
  });

  it('with GETPROFILE_FAIL_CLOSED=true, GetProfile answers 409 when storage is unavailable', async () => {
    const deps = testDeps({
      repository: tableRepo(azuriteConnectionString(), statusTransport(503)),
      env: { GETPROFILE_FAIL_CLOSED: 'true' },
    });
    const answer = await invoke(makeGetProfile(deps), {
      json: { objectId: SOME_USER, lang: '1031' },
    });
    expect(answer.status).toBe(409);
    expect(answer.body.userMessage).toBe(
      'Wir können Ihr Profil gerade nicht laden. Bitte versuchen Sie es gleich noch einmal.',
    );
    expectCustomPolicyAnswer(answer);
  });
});

describe('table creation', () => {
  /** The real transport, counting table-creation requests (POST …/Tables). */
  function countingTransport(): HttpClient & { creates: number } {
    const real = createDefaultHttpClient();
    const transport = {
      creates: 0,
      sendRequest: (request: Parameters<HttpClient['sendRequest']>[0]) => {
        if (request.method === 'POST' && /\/Tables$/.test(new URL(request.url).pathname)) {
          transport.creates += 1;
        }
        return real.sendRequest(request);
      },
    };
    return transport;
  }

  it('happens once per process, never per request', async () => {
    const transport = countingTransport();
    const repository = tableRepo(azuriteConnectionString(), transport);
    await repository.init();
    const handler = makeGetProfile(testDeps({ repository }));
    for (let i = 0; i < 10; i += 1)
      await invoke(handler, { json: { objectId: `da000000-0000-4000-8000-00000000000${i}` } });
    expect(transport.creates).toBe(2);
  });

  it('is safe when several instances start at once', async () => {
    const names = uniqueTableNames('Many');
    const instances = Array.from(
      { length: 5 },
      () => new TableLoyaltyAdmin({ tables: azuriteConnectionString(), ...names }),
    );
    await Promise.all(instances.map((r) => r.init()));
    expect(await instances[0]?.isEmpty()).toBe(true);
  });

  it('recreates a table deleted at run time once, not per call', async () => {
    const transport = countingTransport();
    const names = uniqueTableNames('Gone');
    const repository = new TableLoyaltyRepository({
      tables: azuriteConnectionString(),
      ...names,
      clientOptions: { httpClient: transport },
    });
    await repository.init();
    const { createTableClient } = await import('../../shared/storage/table/connection');
    await createTableClient(azuriteConnectionString(), names.balancesTableName).deleteTable();
    const handler = makeGetProfile(testDeps({ repository }));
    for (let i = 0; i < 5; i += 1) {
      expect((await invoke(handler, { json: { objectId: A_USER } })).body).toEqual({
        balance: '50.00',
      });
    }
    expect(transport.creates).toBe(4);
  });
});
