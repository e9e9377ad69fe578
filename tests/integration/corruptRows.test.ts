/**
 * Bad data is never a 5xx: rows written straight into Azurite with the SDK, in shapes the app
 * never writes (a property missing, another type, a balance that is not a decimal, an unknown
 * status), read by every function in every dialect. Each call gets the function's documented
 * degraded answer and logs exactly one exception naming the table and a hash of the row's keys,
 * never a key or a claim value.
 */
import { randomBytes } from 'node:crypto';
import type { HttpHandler } from '@azure/functions';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeGetProfile } from '../../functions/GetProfile';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { createTableClient } from '../../shared/storage/table/connection';
import { encodeKey, memberKeys } from '../../shared/storage/table/keys';
import { TableAttemptStore } from '../../shared/storage/table/tableAttemptStore';
import { aMember, money } from '../support/builders';
import {
  APP_ID,
  attributeCollectionStart,
  attributeCollectionSubmit,
  loyaltyAttribute,
  tokenIssuanceStart,
} from '../../scripts/preview/simulators/entraEvents';
import { invoke, testDeps, type Answer, type RequestSpec, type TestDeps } from '../support/invoke';
import { azuriteConnectionString, tableRepository, uniqueTableNames } from '../support/tables';

/** Users by objectId: a GUID, as B2C and Entra send it. */
const GOOD_BALANCE_USER = '74ef0df0-bd8a-4a3f-8f60-0ecaf6cf2c2f';

const UNAVAILABLE = "We can't check your loyalty ID right now. Please try again in a moment.";
const tables = uniqueTableNames('Corrupt');
const attemptsTable = `CorruptAttempts${randomBytes(4).toString('hex')}`;

/** Emails, loyalty IDs and objectIds whose rows are corrupt, and what is wrong with each. */
const BAD_STATUS = { email: 'bad.status@contoso.com', loyaltyId: 'L-STATUS-1' };
const NO_PROMO = { email: 'no.promo@contoso.com', loyaltyId: 'L-PROMO-2' };
const NUMBER_ID = { email: 'number.id@contoso.com', loyaltyId: 'L-NUMBER-3' };
const GOOD = { email: 'good.member@contoso.com', loyaltyId: 'G-1', promoCode: 'GOODPROMO' };
const BALANCE_TEXT = 'c0aa0000-0000-4000-8000-000000000001'; // a balance that is text
const BALANCE_DOUBLE = 'c0aa0000-0000-4000-8000-000000000002'; // a balance that is a double
const BALANCE_MISSING = 'c0aa0000-0000-4000-8000-000000000003'; // a row without a balance
const ATTEMPTS_EMAIL = 'bad.attempts@contoso.com';

const PERSONAL = [
  BAD_STATUS.email,
  BAD_STATUS.loyaltyId,
  NO_PROMO.email,
  NUMBER_ID.email,
  GOOD.email,
  GOOD.promoCode,
  BALANCE_TEXT,
  BALANCE_DOUBLE,
  BALANCE_MISSING,
  ATTEMPTS_EMAIL,
  encodeKey(BAD_STATUS.email),
  encodeKey(BALANCE_TEXT),
  encodeKey(ATTEMPTS_EMAIL),
];

let deps: TestDeps;

beforeAll(async () => {
  const repository = tableRepository('Corrupt', tables);
  const attempts = new TableAttemptStore({
    tables: azuriteConnectionString(),
    tableName: attemptsTable,
  });
  await Promise.all([repository.init(), attempts.init()]);
  await repository.saveMember(aMember(GOOD));
  const members = createTableClient(azuriteConnectionString(), tables.loyaltyTableName);
  const member = (who: { email: string; loyaltyId: string }, properties: object) =>
    members.createEntity({ ...memberKeys(who.email, who.loyaltyId), ...properties });
  await member(BAD_STATUS, { ...BAD_STATUS, promoCode: 'P', status: 'gold' });
  await member(NO_PROMO, { ...NO_PROMO, status: 'active' });
  await member(NUMBER_ID, {
    email: NUMBER_ID.email,
    loyaltyId: 3,
    promoCode: 'P',
    status: 'active',
  });
  const balances = createTableClient(azuriteConnectionString(), tables.balancesTableName);
  const balance = (objectId: string, properties: object) =>
    balances.createEntity({ partitionKey: encodeKey(objectId), rowKey: 'balance', ...properties });
  await balance(BALANCE_TEXT, { objectId: BALANCE_TEXT, balance: 'twelve euros' });
  await balance(BALANCE_DOUBLE, { objectId: BALANCE_DOUBLE, balance: 12.5 });
  await balance(BALANCE_MISSING, { objectId: BALANCE_MISSING });
  await repository.setBalance(GOOD_BALANCE_USER, money('7.00'));
  await createTableClient(azuriteConnectionString(), attemptsTable).createEntity({
    partitionKey: encodeKey(ATTEMPTS_EMAIL),
    rowKey: 'attempts',
    count: 'three',
    windowStart: new Date().toISOString(),
  });
  deps = testDeps({ repository, attempts });
});

function expectOneException(answer: Answer, table: string): void {
  expect(answer.status, answer.text).toBeLessThan(500);
  const errors = answer.logs.filter((l) => l.level === 'error');
  expect(errors, JSON.stringify(answer.logs)).toHaveLength(1);
  expect(errors[0]?.message).toContain(answer.invocationId);
  expect(errors[0]?.message).toContain(`A row of ${table} (key hash `);
  const everything = answer.logs.map((l) => l.message).join('\n');
  for (const value of PERSONAL) expect(everything, value).not.toContain(value);
  expect(deps.telemetry.exceptions.at(-1)?.properties).toMatchObject({
    invocationId: answer.invocationId,
    table,
    keyHash: expect.stringMatching(/^[0-9a-f]{16}$/),
  });
}

interface Case {
  readonly name: string;
  readonly make: (deps: TestDeps) => HttpHandler;
  readonly spec: RequestSpec;
  readonly table: () => string;
  readonly status: number;
  readonly body: unknown;
}

const members = () => tables.loyaltyTableName;
const balances = () => tables.balancesTableName;
const continueNothing = { version: '1.0.0', action: 'Continue' };
const entraContinue = (type: string, action: string) => ({
  data: { '@odata.type': type, actions: [{ '@odata.type': action }] },
});

const cases: Case[] = [
  ...[BAD_STATUS, NO_PROMO, NUMBER_ID].map((who): Case => ({
    name: `ValidateProfile, custom policy: ${who.email}`,
    make: makeValidateProfile,
    spec: { json: who },
    table: members,
    status: 409,
    body: { status: 409, code: 'Unavailable', userMessage: UNAVAILABLE },
  })),
  {
    name: 'ValidateProfile, user flow PostAttributeCollection',
    make: makeValidateProfile,
    spec: {
      json: {
        step: 'PostAttributeCollection',
        email: BAD_STATUS.email,
        extension_loyaltyId: BAD_STATUS.loyaltyId,
      },
    },
    table: members,
    status: 400,
    body: { status: 400, action: 'ValidationError', code: 'Unavailable', userMessage: UNAVAILABLE },
  },
  {
    name: 'ValidateProfile, user flow PostFederationSignup (the email’s memberships)',
    make: makeValidateProfile,
    spec: { json: { step: 'PostFederationSignup', email: NO_PROMO.email } },
    table: members,
    status: 200,
    body: continueNothing,
  },
  {
    name: 'ValidateProfile, Entra OnAttributeCollectionSubmit',
    make: makeValidateProfile,
    spec: {
      json: attributeCollectionSubmit(BAD_STATUS.email, loyaltyAttribute(BAD_STATUS.loyaltyId)),
    },
    table: members,
    status: 200,
    body: {
      data: {
        '@odata.type': 'microsoft.graph.onAttributeCollectionSubmitResponseData',
        actions: [
          {
            '@odata.type': 'microsoft.graph.attributeCollectionSubmit.showValidationError',
            message: UNAVAILABLE,
            attributeErrors: { [`extension_${APP_ID}_loyaltyId`]: UNAVAILABLE },
          },
        ],
      },
    },
  },
  {
    name: 'ValidateProfile, Entra OnAttributeCollectionStart',
    make: makeValidateProfile,
    spec: { json: attributeCollectionStart(NUMBER_ID.email) },
    table: members,
    status: 200,
    body: entraContinue(
      'microsoft.graph.onAttributeCollectionStartResponseData',
      'microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior',
    ),
  },
  {
    name: 'ValidateProfile, a wrong guess counted on a corrupt throttle row',
    make: makeValidateProfile,
    spec: { json: { email: ATTEMPTS_EMAIL, loyaltyId: 'NOT-MINE' } },
    table: () => attemptsTable,
    status: 409,
    body: { status: 409, code: 'Unavailable', userMessage: UNAVAILABLE },
  },
  ...[BALANCE_TEXT, BALANCE_DOUBLE, BALANCE_MISSING].map((objectId): Case => ({
    name: `GetProfile, custom policy: ${objectId}`,
    make: makeGetProfile,
    spec: { json: { objectId } },
    table: balances,
    status: 200,
    body: {},
  })),
  {
    name: 'GetProfile, user flow PreTokenIssuance',
    make: makeGetProfile,
    spec: { json: { step: 'PreTokenIssuance', objectId: BALANCE_TEXT } },
    table: balances,
    status: 200,
    body: continueNothing,
  },
  {
    name: 'EnrichToken, user flow: the claims it could read, without the balance',
    make: makeEnrichToken,
    spec: { json: { step: 'PreTokenIssuance', objectId: BALANCE_DOUBLE, email: GOOD.email } },
    table: balances,
    status: 200,
    body: {
      ...continueNothing,
      extension_loyaltyId: GOOD.loyaltyId,
      extension_promoCode: GOOD.promoCode,
    },
  },
  {
    name: 'EnrichToken, custom policy: the balance, without the corrupt membership',
    make: makeEnrichToken,
    spec: { json: { objectId: GOOD_BALANCE_USER, email: BAD_STATUS.email } },
    table: members,
    status: 200,
    body: { balance: '7.00' },
  },
  {
    name: 'EnrichToken, Entra OnTokenIssuanceStart',
    make: makeEnrichToken,
    spec: { json: tokenIssuanceStart({ id: BALANCE_MISSING, mail: GOOD.email }) },
    table: balances,
    status: 200,
    body: {
      data: {
        '@odata.type': 'microsoft.graph.onTokenIssuanceStartResponseData',
        actions: [
          {
            '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken',
            claims: { loyaltyId: GOOD.loyaltyId, promoCode: GOOD.promoCode },
          },
        ],
      },
    },
  },
];

describe('a corrupt row', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: the degraded answer and one logged exception',
    async (_name, c) => {
      const answer = await invoke(c.make(deps), c.spec);
      expect(answer.status, answer.text).toBe(c.status);
      expect(answer.body).toEqual(
        typeof c.body === 'object' && c.body !== null && 'status' in c.body
          ? expect.objectContaining(c.body)
          : c.body,
      );
      expectOneException(answer, c.table());
    },
  );
});
