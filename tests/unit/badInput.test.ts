/**
 * Bad input gets a contract-shaped 4xx for its dialect, never a 5xx, for every function.
 */
import { describe, expect, it } from 'vitest';
import type { HttpHandler } from '@azure/functions';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeGetProfile } from '../../functions/GetProfile';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { expectCustomPolicyAnswer, expectUserFlowAnswer } from '../support/contract';
import { invoke, testDeps, type RequestSpec } from '../support/invoke';

const handlers: [string, (deps: ReturnType<typeof testDeps>) => HttpHandler][] = [
  ['ValidateProfile', makeValidateProfile],
  ['GetProfile', makeGetProfile],
  ['EnrichToken', makeEnrichToken],
];

const cases: [string, RequestSpec, number, string][] = [
  [
    'malformed JSON',
    { body: '{"email": "a@b.c",', contentType: 'application/json' },
    400,
    'MalformedBody',
  ],
  ['a JSON array', { json: [{ email: 'a@b.c' }] }, 400, 'MalformedBody'],
  ['a JSON string', { json: '"email"' }, 400, 'MalformedBody'],
  ['a JSON number', { json: '42' }, 400, 'MalformedBody'],
  ['JSON null', { json: 'null' }, 400, 'MalformedBody'],
  [
    'an empty body',
    { method: 'POST', body: '', contentType: 'application/json' },
    400,
    'MalformedBody',
  ],
  [
    'a wrong content type',
    { body: '<claims/>', contentType: 'application/xml' },
    415,
    'UnsupportedMediaType',
  ],
  ['no content type', { body: '{"email":"a@b.c"}' }, 415, 'UnsupportedMediaType'],
  [
    'JSON sent as a form',
    { body: '{"email":"a@b.c"}', contentType: 'application/x-www-form-urlencoded' },
    415,
    'UnsupportedMediaType',
  ],
  [
    'a charset other than UTF-8',
    { body: '{}', contentType: 'application/json; charset=latin1' },
    415,
    'UnsupportedMediaType',
  ],
  [
    'invalid UTF-8',
    { body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), contentType: 'application/json' },
    400,
    'MalformedBody',
  ],
  [
    'a body over 64 KiB',
    { json: { email: 'a@b.c', pad: 'x'.repeat(65 * 1024) } },
    413,
    'PayloadTooLarge',
  ],
  [
    'a claim that is an object',
    { json: { email: { $ne: '' }, objectId: 'x' } },
    400,
    'InvalidClaim',
  ],
  [
    'a claim that is an array',
    { json: { objectId: ['a', 'b'], email: 'a@b.c' } },
    400,
    'InvalidClaim',
  ],
  [
    'a claim over 256 characters',
    { json: { email: `${'a'.repeat(300)}@b.c`, objectId: 'x' } },
    400,
    'InvalidClaim',
  ],
  ['a repeated form key', { form: 'email=a@b.c&email=c@d.e&objectId=x' }, 400, 'InvalidClaim'],
  [
    'a repeated query key',
    { method: 'GET', query: 'objectId=a&objectId=b&email=a@b.c' },
    400,
    'InvalidClaim',
  ],
];

describe.each(handlers)('%s with bad input', (name, make) => {
  it.each(cases)('for %s, answers %i %s in the error shape', async (_label, spec, status, code) => {
    const repository = new MemoryLoyaltyRepository();
    const answer = await invoke(make(testDeps({ repository })), { functionName: name, ...spec });
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
    expectCustomPolicyAnswer(answer);
    expect(await repository.isEmpty()).toBe(true);
    expect(await repository.getBalance('x')).toBeUndefined();
  });

  it('names the bad claim in developerMessage', async () => {
    const answer = await invoke(make(testDeps()), {
      functionName: name,
      json: { email: 'a@b.c', objectId: 'o', loyaltyId: 'z'.repeat(257) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.developerMessage).toBe(
      "The claim 'loyaltyId' is longer than 256 characters.",
    );
  });

  it('answers a user-flow call with a bad claim as a 400 ValidationError', async () => {
    const answer = await invoke(make(testDeps()), {
      functionName: name,
      json: { step: 'PostAttributeCollection', email: ['x'], objectId: 'o' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.action).toBe('ValidationError');
    expectUserFlowAnswer(answer);
  });

  it('answers an unknown user-flow step as a 400 ValidationError naming the steps', async () => {
    const answer = await invoke(make(testDeps()), {
      functionName: name,
      json: { step: 'Sideways', email: 'a@b.c' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ action: 'ValidationError', code: 'UnknownStep' });
    expectUserFlowAnswer(answer);
  });

  it('keeps __proto__ and constructor keys as plain, ignored claims', async () => {
    const answer = await invoke(make(testDeps()), {
      functionName: name,
      json: '{"__proto__": {"email": "evil@x.y"}, "constructor": {"prototype": 1}, "objectId": "o", "email": "a@b.c"}',
    });
    expect(answer.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).email).toBeUndefined();
  });
});
