/**
 * Hostile input never breaks the API: property-based tests send 10,000 generated requests to
 * each function (random JSON of any shape, every claim with every JSON type, huge and empty
 * strings, control characters, unpaired surrogates, invalid UTF-8, prototype keys, duplicate
 * keys, wrong and missing content types, long query strings, repeated form keys). Every answer
 * is a valid contract answer, never a 5xx; nothing is written for a rejected request; no claim
 * value reaches the logs or telemetry.
 */
import fc from 'fast-check';
import type { HttpHandler } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeGetProfile } from '../../functions/GetProfile';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { aMember } from '../support/builders';
import { startHost, type RunningHost } from '../support/host';
import { invoke, jsonOrUndefined, testDeps, type TestDeps } from '../support/invoke';
import { checkAnswer, countingStores, isContractAnswer, request } from '../support/hostileRequests';
import { azuriteConnectionString, uniqueTableNames } from '../support/tables';

const RUNS = 10_000;

const functions: [string, (deps: TestDeps) => HttpHandler][] = [
  ['ValidateProfile', makeValidateProfile],
  ['GetProfile', makeGetProfile],
  ['EnrichToken', makeEnrichToken],
];

describe.each(functions)('%s under 10,000 generated hostile requests', (name, make) => {
  it('answers every one within the contract, never a 5xx, writing nothing for a rejected one', async () => {
    const { repository, attempts, counter } = countingStores();
    await repository.saveMember(aMember({ email: 'david@contoso.com', loyaltyId: '5678' }));
    const deps = testDeps({ repository, attempts, env: { MAX_FAILED_VALIDATIONS: '1000' } });
    const handler = make(deps);
    await fc.assert(
      fc.asyncProperty(request, async (spec) => {
        deps.telemetry.events.length = 0;
        const before = counter.writes;
        const answer = await invoke(handler, { functionName: name, ...spec });
        checkAnswer(spec, answer, deps, before, counter);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});

describe('the running host under generated hostile requests', () => {
  let host: RunningHost;
  beforeAll(async () => {
    const tables = uniqueTableNames('Hostile');
    host = await startHost({
      TABLES_CONNECTION_STRING: azuriteConnectionString(),
      LOYALTY_TABLE_NAME: tables.loyaltyTableName,
      BALANCES_TABLE_NAME: tables.balancesTableName,
    });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('answers 300 per function within the contract and stays up', async () => {
    for (const [name] of functions) {
      await fc.assert(
        fc.asyncProperty(request, async (spec) => {
          const url = `${host.baseUrl}/api/${name}${spec.query ? `?${String(spec.query)}` : ''}`;
          const headers: Record<string, string> = { ...(spec.headers ?? {}) };
          let body: string | Uint8Array | undefined;
          if (spec.form !== undefined) {
            body = String(spec.form);
            headers['content-type'] = 'application/x-www-form-urlencoded';
          } else if (spec.body !== undefined) {
            body = spec.body;
            if (spec.contentType) headers['content-type'] = spec.contentType;
          }
          const response = await fetch(url, {
            method: spec.method ?? (body === undefined ? 'GET' : 'POST'),
            headers,
            body,
          });
          const text = await response.text();
          expect(
            isContractAnswer({ status: response.status, body: jsonOrUndefined(text) }),
            `${spec.label} → ${response.status} ${text.slice(0, 200)}`,
          ).toBe(true);
        }),
        { numRuns: 300 },
      );
    }
    expect(host.process.exitCode).toBeNull();
    expect((await fetch(`${host.baseUrl}/api/health`)).status).toBe(200);
  }, 300_000);
});
