/**
 * The hostile requests of hostileInput.test.ts: a generator of requests of every shape a caller
 * could send (random JSON, every claim with every JSON type, huge and empty strings, control
 * characters, unpaired surrogates, invalid UTF-8, prototype keys, duplicate keys, wrong content
 * types, long query strings, repeated form keys), stores that count writes, and the checks every
 * answer must pass.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  validateCustomPolicyClaims,
  validateCustomPolicyError,
  validateUserFlowBlockPage,
  validateUserFlowContinue,
  validateUserFlowValidationError,
} from '../../shared/contract/responses';
import { CLAIM_RESOLVER_NAME } from '../../shared/i18n/language';
import { MemoryAttemptStore } from './memoryAttemptStore';
import { MemoryLoyaltyRepository } from './memoryRepository';
import { type Answer, type RequestSpec, type TestDeps } from '../support/invoke';

/** A repository and attempt store that count writes. */
export function countingStores() {
  const repository = new MemoryLoyaltyRepository();
  const attempts = new MemoryAttemptStore();
  const counter = { writes: 0 };
  const saveMember = repository.saveMember.bind(repository);
  const setBalance = repository.setBalance.bind(repository);
  const getOrCreate = repository.getOrCreateBalance.bind(repository);
  const writeAttempts = attempts.write.bind(attempts);
  const markThrottled = repository.markThrottled.bind(repository);
  repository.saveMember = async (m) => {
    counter.writes += 1;
    return saveMember(m);
  };
  repository.setBalance = async (o, b) => {
    counter.writes += 1;
    return setBalance(o, b);
  };
  repository.getOrCreateBalance = async (o, s) => {
    const result = await getOrCreate(o, s);
    if (result.created) counter.writes += 1;
    return result;
  };
  repository.markThrottled = async (e, u) => {
    counter.writes += 1;
    return markThrottled(e, u);
  };
  attempts.write = async (e, n, v) => {
    counter.writes += 1;
    return writeAttempts(e, n, v);
  };
  return { repository, attempts, counter };
}

// ---------- generators ----------

const CLAIM_NAMES = [
  'email',
  'loyaltyId',
  'objectId',
  'lang',
  'language',
  'ui_locales',
  'client_id',
  'clientId',
  'step',
  'correlationId',
  'extension_loyaltyId',
  'extension_0123456789abcdef0123456789abcdef_LoyaltyID',
  'EMAIL',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'code',
];

const nastyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 200, maxLength: 2000 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u001f\u007f',
    '\uD800',
    'a\uDFFFb',
    '\uD83D',
    '{Culture:LCID}',
    "x' or PartitionKey ne '",
    '<script>alert(1)</script>',
    'x'.repeat(257),
    'y'.repeat(20_000),
    'PostAttributeCollection',
    'PreTokenIssuance',
    'PostFederationSignup',
    'david@contoso.com',
    '5678',
    '1036',
  ),
);

const anyClaimValue = fc.oneof(
  { weight: 4, arbitrary: nastyText },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, 5678, 1.5) },
);

const claimName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CLAIM_NAMES) },
  { weight: 1, arbitrary: fc.string() },
);

const claims = fc.dictionary(claimName, anyClaimValue, { maxKeys: 12 });

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.b2c+json',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  '',
);

const pairs = fc.array(
  fc.tuple(
    claimName,
    nastyText.filter((s) => s.length < 3000),
  ),
  { maxLength: 12 },
);

export type Generated = RequestSpec & { readonly label: string };

const jsonBody: fc.Arbitrary<Generated> = fc
  .tuple(claims, contentType)
  .map(([c, type]) => ({ label: 'json', body: JSON.stringify(c), contentType: type || undefined }));

const anyJsonTopLevel: fc.Arbitrary<Generated> = fc.jsonValue({ maxDepth: 5 }).map((v) => ({
  label: 'any-json',
  body: JSON.stringify(v) ?? 'null',
  contentType: 'application/json',
}));

const duplicateKeys: fc.Arbitrary<Generated> = fc
  .tuple(fc.constantFrom(...CLAIM_NAMES), anyClaimValue, anyClaimValue)
  .map(([key, a, b]) => ({
    label: 'duplicate-keys',
    body: `{${JSON.stringify(key)}:${JSON.stringify(a)},${JSON.stringify(key)}:${JSON.stringify(b)}}`,
    contentType: 'application/json',
  }));

const rawBytes: fc.Arbitrary<Generated> = fc
  .tuple(fc.uint8Array({ maxLength: 300 }), contentType)
  .map(([bytes, type]) => ({ label: 'bytes', body: bytes, contentType: type || undefined }));

const formBody: fc.Arbitrary<Generated> = fc.tuple(pairs, fc.boolean()).map(([p, repeat]) => {
  const all = repeat && p.length > 0 ? [...p, p[0] as [string, string]] : p;
  return { label: 'form', form: new URLSearchParams(all).toString() };
});

const queryString: fc.Arbitrary<Generated> = fc
  .tuple(pairs, fc.integer({ min: 0, max: 8000 }))
  .map(([p, pad]) => ({
    label: 'query',
    method: 'GET' as const,
    query: `${new URLSearchParams(p).toString()}${pad > 0 ? `&pad=${'q'.repeat(pad)}` : ''}`,
  }));

const headerClaims: fc.Arbitrary<Generated> = fc
  .dictionary(
    fc.constantFrom('email', 'loyaltyid', 'objectid', 'lang', 'step'),
    fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  )
  .map((h) => ({ label: 'headers', method: 'GET' as const, headers: h }));

const oversize: fc.Arbitrary<Generated> = fc
  .integer({ min: 64 * 1024 + 1, max: 80 * 1024 })
  .map((n) => ({
    label: 'oversize',
    body: `{"email":"${'a'.repeat(n)}"}`,
    contentType: 'application/json',
  }));

export const request: fc.Arbitrary<Generated> = fc.oneof(
  { weight: 8, arbitrary: jsonBody },
  { weight: 2, arbitrary: anyJsonTopLevel },
  { weight: 2, arbitrary: duplicateKeys },
  { weight: 2, arbitrary: rawBytes },
  { weight: 2, arbitrary: formBody },
  { weight: 2, arbitrary: queryString },
  { weight: 1, arbitrary: headerClaims },
  { weight: 1, arbitrary: oversize },
);

// ---------- checks ----------

const REJECTION_CODES = new Set([
  'MalformedBody',
  'InvalidClaim',
  'MissingClaim',
  'UnknownStep',
  'PayloadTooLarge',
  'UnsupportedMediaType',
  'Unauthorized',
]);

export function isContractAnswer(answer: { status: number; body: unknown }): boolean {
  const body = answer.body as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  if (answer.status === 200) {
    return (
      validateCustomPolicyClaims(body) ||
      validateUserFlowContinue(body) ||
      validateUserFlowBlockPage(body)
    );
  }
  if (answer.status >= 400 && answer.status < 500) {
    const shaped = validateCustomPolicyError(body) || validateUserFlowValidationError(body);
    return shaped && body.status === answer.status;
  }
  return false;
}

/** Words the API prints itself (step names in its messages): not personal data. */
const OWN_WORDS = [
  'The step must be PostFederationSignup, PostAttributeCollection or PreTokenIssuance (PreTokenApplicationClaims).',
  'called at PreTokenIssuance',
];

/** Claim values worth looking for in logs: long enough not to appear by chance. */
function personalValues(spec: RequestSpec): string[] {
  const values: string[] = [];
  const text =
    typeof spec.body === 'string'
      ? spec.body
      : (spec.form ?? (typeof spec.query === 'string' ? spec.query : ''));
  try {
    const parsed: unknown = JSON.parse(typeof text === 'string' ? text : '');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (/email|loyalty|objectid/i.test(key) && typeof value === 'string') values.push(value);
      }
    }
  } catch {
    for (const [key, value] of new URLSearchParams(typeof text === 'string' ? text : '')) {
      if (/email|loyalty|objectid/i.test(key)) values.push(value);
    }
  }
  // A resolver's name ({Culture:LCID}) is logged by design when `lang` holds it unresolved.
  return values.filter(
    (v) =>
      v.trim().length >= 8 &&
      !OWN_WORDS.some((w) => w.includes(v)) &&
      !CLAIM_RESOLVER_NAME.test(v.trim()),
  );
}

export function checkAnswer(
  spec: Generated,
  answer: Answer,
  deps: TestDeps,
  writesBefore: number,
  counter: { writes: number },
): void {
  const where = `${spec.label} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  expect(isContractAnswer(answer), where).toBe(true);
  expect(answer.text, where).not.toMatch(/\n\s+at |<html/i);
  if (REJECTION_CODES.has(answer.body?.code)) expect(counter.writes, where).toBe(writesBefore);
  const logs = answer.logs.map((l) => l.message).join('\n');
  const telemetry = JSON.stringify(deps.telemetry.events);
  for (const value of personalValues(spec)) {
    expect(logs.includes(value), `${where}\nlogs hold a claim value`).toBe(false);
    expect(telemetry.includes(value), `${where}\ntelemetry holds a claim value`).toBe(false);
  }
}
