/**
 * A stranger cannot lock a victim out with a handful of guesses: when the call carries the
 * user's IP address (custom policies: the claim ipAddress; Entra: authenticationContext.client.ip),
 * MAX_FAILED_VALIDATIONS counts per email and address, and MAX_FAILED_VALIDATIONS_PER_EMAIL caps
 * all addresses together; a call without an address keeps the per-email limit. The address is
 * never stored or logged as such.
 */
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import type { AttemptStore } from '../../shared/loyalty/ports';
import { MemoryAttemptStore } from '../support/memoryAttemptStore';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { TableAttemptStore } from '../../shared/storage/table/tableAttemptStore';
import { aMember } from '../support/builders';
import {
  attributeCollectionSubmit,
  loyaltyAttribute,
} from '../../scripts/preview/simulators/entraEvents';
import { invoke, testDeps, type Answer } from '../support/invoke';
import { azuriteConnectionString, tableRepository } from '../support/tables';

const EMAIL = 'victim@contoso.com';

async function setUp(env: Record<string, string> = {}, attempts?: AttemptStore) {
  const repository = new MemoryLoyaltyRepository();
  await repository.saveMember(aMember({ email: EMAIL, loyaltyId: '5678', promoCode: 'SPRING24' }));
  const handler = makeValidateProfile(testDeps({ repository, attempts, env }));
  const guess = (loyaltyId: string, ipAddress?: string): Promise<Answer> =>
    invoke(handler, {
      json: { email: EMAIL, loyaltyId, ...(ipAddress === undefined ? {} : { ipAddress }) },
    });
  return { handler, guess };
}

const code = (answer: Answer): string => (answer.status === 200 ? 'promo' : answer.body.code);

describe('per-address counting', () => {
  it('lets the victim in from another address after ten misses from one', async () => {
    const { guess } = await setUp();
    for (let i = 0; i < 10; i += 1) {
      expect(code(await guess(`WRONG-${i}`, '198.51.100.23'))).toBe('NotAssociated');
    }
    expect(code(await guess('WRONG-10', '198.51.100.23'))).toBe('TooManyAttempts');
    expect(code(await guess('5678', '198.51.100.23'))).toBe('TooManyAttempts');

    const victim = await guess('5678', '203.0.113.7');
    expect(victim.status).toBe(200);
    expect(victim.body).toEqual({ promoCode: 'SPRING24' });
  });

  it('counts an IPv6 address by its /64, and B2C\'s "address:port" by its address', async () => {
    const { guess } = await setUp({ MAX_FAILED_VALIDATIONS: '2' });
    expect(code(await guess('1', '2001:db8:aa:bb::1'))).toBe('NotAssociated');
    expect(code(await guess('2', '2001:0db8:00aa:00bb:ffff::2'))).toBe('NotAssociated');
    expect(code(await guess('5678', '2001:db8:aa:bb:1:2:3:4'))).toBe('TooManyAttempts');
    expect(code(await guess('5678', '2001:db8:aa:cc::1'))).toBe('promo');

    expect(code(await guess('1', '192.0.2.1:50123'))).toBe('NotAssociated');
    expect(code(await guess('2', '192.0.2.1'))).toBe('NotAssociated');
    expect(code(await guess('5678', '::ffff:192.0.2.1'))).toBe('TooManyAttempts');
  });

  it('caps all addresses together at MAX_FAILED_VALIDATIONS_PER_EMAIL', async () => {
    const { guess } = await setUp({ MAX_FAILED_VALIDATIONS_PER_EMAIL: '12' });
    for (let i = 0; i < 12; i += 1) {
      expect(code(await guess(`WRONG-${i}`, `198.51.100.${i}`))).toBe('NotAssociated');
    }
    expect(code(await guess('WRONG', '198.51.100.200'))).toBe('TooManyAttempts');
    expect(code(await guess('5678', '203.0.113.7'))).toBe('TooManyAttempts');
  });

  it('keeps the per-email limit for calls without an address (user flows send none)', async () => {
    const { guess } = await setUp({ MAX_FAILED_VALIDATIONS: '3' });
    for (const id of ['1', '2', '3']) expect(code(await guess(id))).toBe('NotAssociated');
    expect(code(await guess('5678'))).toBe('TooManyAttempts');
    // Text that is no address counts as no address.
    expect(code(await guess('5678', '{Context:IPAddress}'))).toBe('TooManyAttempts');
  });

  it("takes no address from a user flow, where an attribute of that name is the user's text", async () => {
    const { handler } = await setUp({ MAX_FAILED_VALIDATIONS: '2' });
    const submit = (loyaltyId: string, ipAddress: string) =>
      invoke(handler, {
        json: { step: 'PostAttributeCollection', email: EMAIL, loyaltyId, ipAddress },
      });
    expect((await submit('1', '198.51.100.1')).body.code).toBe('NotAssociated');
    expect((await submit('2', '198.51.100.2')).body.code).toBe('NotAssociated');
    expect((await submit('5678', '198.51.100.3')).body.code).toBe('TooManyAttempts');
  });

  it("reads Entra's authenticationContext.client.ip", async () => {
    const { handler } = await setUp({ MAX_FAILED_VALIDATIONS: '2' });
    const submit = (loyaltyId: string, ip: string) => {
      const event = attributeCollectionSubmit(EMAIL, loyaltyAttribute(loyaltyId));
      event.data.authenticationContext.client.ip = ip;
      return invoke(handler, { json: event });
    };
    const shown = (answer: Answer) => answer.body.data.actions[0]['@odata.type'];
    await submit('1', '30.51.176.110');
    await submit('2', '30.51.176.110');
    expect(shown(await submit('5678', '30.51.176.110'))).toMatch(/showValidationError$/);
    expect(shown(await submit('5678', '30.51.176.111'))).toMatch(/modifyAttributeValues$/);
  });
});

describe('parallel guesses from many addresses, over two instances', () => {
  const MAX = 3;
  const PER_EMAIL = 7;
  /** The limits are under test, not the latency of a busy machine: no call times out. */
  const SLOW_MACHINE_MS = 8000;

  async function burst(attempts: [AttemptStore, AttemptStore], read: AttemptStore) {
    const repository = tableRepository('Addr', { timeoutMs: SLOW_MACHINE_MS });
    await repository.init();
    await repository.saveMember(aMember({ email: EMAIL, loyaltyId: '5678', promoCode: 'S' }));
    const env = {
      MAX_FAILED_VALIDATIONS: String(MAX),
      MAX_FAILED_VALIDATIONS_PER_EMAIL: String(PER_EMAIL),
      STORAGE_TIMEOUT_MS: String(SLOW_MACHINE_MS),
      REQUEST_BUDGET_MS: '10000',
    };
    const handlers = attempts.map((a) =>
      makeValidateProfile(testDeps({ repository, attempts: a, env })),
    );
    const addresses = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'];
    const answers = await Promise.all(
      Array.from({ length: 32 }, (_, i) => {
        const ipAddress = addresses[i % 4] as string;
        return invoke(handlers[i % 2] as (typeof handlers)[number], {
          json: { email: EMAIL, loyaltyId: `WRONG-${i}`, ipAddress },
        }).then((answer) => ({ ipAddress, code: code(answer), answer }));
      }),
    );
    expect(answers.map((a) => a.code).filter((c) => c !== 'TooManyAttempts')).toEqual(
      answers.filter((a) => a.code === 'NotAssociated').map(() => 'NotAssociated'),
    );
    const missed = answers.filter((a) => a.code === 'NotAssociated');
    expect(missed.length).toBeLessThanOrEqual(PER_EMAIL);
    for (const ipAddress of addresses) {
      expect(missed.filter((a) => a.ipAddress === ipAddress).length).toBeLessThanOrEqual(MAX);
    }
    // Every "not associated" is counted on the email's counter.
    expect((await read.read(EMAIL)).attempts?.count).toBe(missed.length);
    // The address is personal data: never in a log line.
    const logs = answers.flatMap((a) => a.answer.logs).map((l) => l.message);
    expect(logs.filter((l) => l.includes('198.51.100'))).toEqual([]);
    return missed.length;
  }

  it('against Table Storage (Azurite): both limits hold, no address in a row', async () => {
    const tableName = `AddrAttempts${randomBytes(4).toString('hex')}`;
    const store = () =>
      new TableAttemptStore({
        tables: azuriteConnectionString(),
        tableName,
        timeoutMs: SLOW_MACHINE_MS,
      });
    const first = store();
    await first.init();
    expect(await burst([first, store()], first)).toBe(PER_EMAIL);
    const table = TableClient.fromConnectionString(azuriteConnectionString(), tableName, {
      allowInsecureConnection: true,
    });
    const rows = [];
    for await (const row of table.listEntities()) rows.push(row);
    // The email's counter, and one per address counted: its hash, never the address.
    expect(rows.map((r) => r.rowKey)).toContain('attempts');
    for (const row of rows) expect(row.rowKey).toMatch(/^(attempts|ip-[0-9a-f]{32})$/);
    expect(rows.length).toBeGreaterThan(1);
    expect(JSON.stringify(rows)).not.toContain('198.51.100');
  });

  it('through the in-memory attempt store: the same', async () => {
    const attempts = new MemoryAttemptStore();
    expect(await burst([attempts, attempts], attempts)).toBe(PER_EMAIL);
  });
});
