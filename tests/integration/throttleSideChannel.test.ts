/**
 * A throttled email tells nothing, by answer or by work: once an email is throttled, the right
 * pair and a wrong pair get the same bytes after the same storage requests (counted at the SDK's
 * HTTP transport, in front of Azurite). A counter that cannot be read or written does not open
 * the door: right and wrong pairs alike get the degraded answer until the counter answers again.
 * A valid pair of an email that is not throttled stays one point read.
 */
import {
  createDefaultHttpClient,
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { BREAKER_OPEN_MS } from '../../shared/loyalty/throttle';
import { TableAttemptStore } from '../../shared/storage/table/tableAttemptStore';
import type { TableLoyaltyAdmin } from '../../shared/storage/table/tableAdmin';
import { aMember } from '../support/builders';
import { expectCustomPolicyAnswer } from '../support/contract';
import { invoke, testDeps, type Answer } from '../support/invoke';
import { azuriteConnectionString, tableRepository, uniqueTableNames } from '../support/tables';

const EMAIL = 'david@contoso.com';

/** Azurite's transport, counting every request as "METHOD table" (keys left out); can fail. */
function countingTransport(): HttpClient & { sent: string[]; failing: (url: string) => boolean } {
  const inner = createDefaultHttpClient();
  const transport = {
    sent: [] as string[],
    failing: (_url: string) => false,
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const table = new URL(request.url).pathname.split('/').pop()?.replace(/\(.*$/, '');
      transport.sent.push(`${request.method} ${table}`);
      if (!transport.failing(request.url)) return inner.sendRequest(request);
      return {
        request,
        status: 503,
        headers: createHttpHeaders({ 'content-type': 'application/json;odata=minimalmetadata' }),
        bodyAsText: JSON.stringify({ 'odata.error': { code: 'ServerBusy', message: {} } }),
      };
    },
  };
  return transport;
}

let now: Date;
let transport: ReturnType<typeof countingTransport>;
let repository: TableLoyaltyAdmin;
let membersTable: string;
let handler: ReturnType<typeof makeValidateProfile>;

beforeEach(async () => {
  now = new Date('2026-12-04T10:00:00Z');
  transport = countingTransport();
  const clientOptions = { httpClient: transport, retryOptions: { maxRetries: 0 } };
  const names = uniqueTableNames('Side');
  membersTable = names.loyaltyTableName;
  repository = tableRepository('Side', { ...names, clientOptions });
  const attempts = new TableAttemptStore({
    tables: azuriteConnectionString(),
    tableName: `SideAttempts${randomBytes(4).toString('hex')}`,
    clientOptions,
  });
  await Promise.all([repository.init(), attempts.init()]);
  await repository.saveMember(aMember({ email: EMAIL, loyaltyId: '5678', promoCode: 'SPRING24' }));
  await repository.saveMember(
    aMember({ email: 'eve@contoso.com', loyaltyId: '1', promoCode: 'P' }),
  );
  const env = { MAX_FAILED_VALIDATIONS: '3', MAX_FAILED_VALIDATIONS_PER_EMAIL: '5' };
  handler = makeValidateProfile(testDeps({ repository, attempts, env, clock: () => now }));
});

/** One pair, and the storage requests its answer took. */
async function guess(
  loyaltyId: string,
  extra: Record<string, string> = {},
  email = EMAIL,
): Promise<{ answer: Answer; requests: string[] }> {
  transport.sent = [];
  const answer = await invoke(handler, { json: { email, loyaltyId, ...extra } });
  expectCustomPolicyAnswer(answer);
  return { answer, requests: [...transport.sent] };
}

/** The answer's bytes, its request id (one per request, right or wrong) set aside. */
const bytes = (answer: Answer) => ({
  status: answer.status,
  contentType: answer.headers.get('content-type'),
  text: answer.text.replaceAll(answer.invocationId, '<request id>'),
});

describe('a throttled email answers a right and a wrong pair alike', () => {
  it.each([
    ['a call without an IP address (user flows)', {}, 2],
    ['a call with the IP address it was throttled from', { ipAddress: '203.0.113.7' }, 3],
  ])('%s', async (_name, extra, expectedRequests) => {
    for (const id of ['1', '2', '3']) {
      expect((await guess(id, extra)).answer.body.code).toBe('NotAssociated');
    }
    const right = await guess('5678', extra);
    const wrong = await guess('9999', extra);

    expect(right.answer.body.code).toBe('TooManyAttempts');
    expect(bytes(right.answer)).toEqual(bytes(wrong.answer));
    expect(right.requests).toEqual(wrong.requests);
    // The member's point read, then the counters of the call (the email's, and the address's).
    expect(right.requests).toHaveLength(expectedRequests);
    expect(
      right.answer.logs.map((l) => l.message.replaceAll(right.answer.invocationId, '')),
    ).toEqual(wrong.answer.logs.map((l) => l.message.replaceAll(wrong.answer.invocationId, '')));
  });

  it('costs a valid pair of an email that is not throttled one point read', async () => {
    const plain = await guess('1', {}, 'eve@contoso.com');
    const withAddress = await guess('1', { ipAddress: '203.0.113.7' }, 'eve@contoso.com');
    for (const { answer, requests } of [plain, withAddress]) {
      expect(answer.body).toEqual({ promoCode: 'P' });
      expect(requests).toEqual([`GET ${membersTable}`]);
    }
  });
});

describe('a counter that cannot be read or written', () => {
  it('gets right and wrong pairs the same degraded answer until it answers again', async () => {
    // Only the counter's table fails: the members are read as ever.
    transport.failing = (url) => url.includes('/SideAttempts');
    const wrong = await guess('9999');
    const right = await guess('5678');
    expect(wrong.answer.body.code).toBe('Unavailable');
    expect(bytes(right.answer)).toEqual(bytes(wrong.answer));
    // While the breaker is open, no pair reaches storage at all.
    expect(right.requests).toEqual([]);

    // Once it may be tried again, a right pair reads the counter first: still failing.
    now = new Date(now.getTime() + BREAKER_OPEN_MS);
    const probe = await guess('5678');
    expect(bytes(probe.answer)).toEqual(bytes(wrong.answer));
    expect(probe.requests).toHaveLength(2);

    // The counter answers again: the right pair gets its promo code, then costs one read again.
    transport.failing = () => false;
    now = new Date(now.getTime() + BREAKER_OPEN_MS);
    expect((await guess('5678')).answer.body).toEqual({ promoCode: 'SPRING24' });
    const after = await guess('5678');
    expect(after.answer.body).toEqual({ promoCode: 'SPRING24' });
    expect(after.requests).toEqual([`GET ${membersTable}`]);
    expect((await guess('9999')).answer.body.code).toBe('NotAssociated');
  });
});
