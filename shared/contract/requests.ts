/**
 * Reading the claims callers send, in every way they send them (which dialect a request is,
 * and what its claims mean, is the dialects' part: shared/dialects/):
 * - custom policies: SendClaimsIn Body (POST JSON), Form (POST urlencoded), QueryString (GET),
 *   Header (GET, one header per claim);
 * - user flows (API connectors) and Entra events: POST JSON.
 * Any claim may be missing (B2C leaves out claims with no value). A number where a string is
 * expected counts as its text.
 */
import type { HttpRequest } from '@azure/functions';
import type { ValidateFunction } from 'ajv';
import { MAX_CLAIM_LENGTH, type ClaimName, type ClaimsInput } from './claimsInput';
import generatedValidator from './generated/claimsInputValidator';
import { EXTENSION_PREFIX, withoutExtensionPrefix } from './extensionAttribute';
import { ApiError, badRequest, payloadTooLarge, unsupportedMediaType } from './errors';

export const MAX_BODY_BYTES = 64 * 1024;
export { MAX_CLAIM_LENGTH, type ClaimName, type ClaimsInput } from './claimsInput';

/** Canonical name → accepted spellings, best first (matched case-insensitively). */
const SPELLINGS: Readonly<Record<ClaimName, readonly string[]>> = {
  email: ['email'],
  loyaltyId: ['loyaltyId'],
  objectId: ['objectId'],
  lang: ['lang', 'language'],
  ui_locales: ['ui_locales'],
  client_id: ['client_id', 'clientId'],
  correlationId: ['correlationId'],
  step: ['step'],
  ipAddress: ['ipAddress'],
};

const CANONICAL = new Map<string, { name: ClaimName; rank: number }>();
for (const [name, spellings] of Object.entries(SPELLINGS) as [ClaimName, readonly string[]][]) {
  spellings.forEach((spelling, rank) => CANONICAL.set(spelling.toLowerCase(), { name, rank }));
}

/** The schema of claimsInput.ts, compiled at development time (coercing numbers to text). */
const validateClaimsInput = generatedValidator as unknown as ValidateFunction<ClaimsInput>;

/** Raw claims as they arrived, keyed by the caller's names. Null prototype: no `__proto__` tricks. */
export type RawClaims = Map<string, unknown>;

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

const fail = (error: ApiError): { ok: false; error: ApiError } => ({ ok: false, error });

/** B2C's objectId and Entra's user id: a GUID, nothing else (never a new balance row). */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Claims that are one value, never a list: the Functions host joins a repeated query key or
 * header with a comma (`?objectId=A&objectId=B` arrives as `A,B`), so a comma in one of them is
 * a repeated claim. (An email with a comma is not one B2C or Entra sends.)
 */
const SINGLE: ReadonlySet<ClaimName> = new Set(['email', 'objectId', 'step']);
/** Where the host joins repeats, the loyalty ID too is one value. */
const SINGLE_WHEN_JOINED: ReadonlySet<ClaimName> = new Set([...SINGLE, 'loyaltyId']);

/** `label`: a claim's name as claimLabel gives it. */
const repeated = (label: string): ApiError =>
  badRequest('InvalidClaim', `The claim ${label} is given more than once.`);

/** Picks the claims the functions read out of whatever arrived, validated and coerced to text. */
export function canonicalClaims(raw: RawClaims): Parsed<ClaimsInput> {
  const picked: Record<string, unknown> = {};
  const ranks = new Map<ClaimName, number>();
  for (const [key, value] of raw) {
    const prefixed = EXTENSION_PREFIX.test(key);
    const found = CANONICAL.get(withoutExtensionPrefix(key).toLowerCase());
    if (found === undefined) continue;
    const rank = found.rank + (prefixed ? 10 : 0);
    const best = ranks.get(found.name);
    if (best !== undefined && best <= rank) continue;
    ranks.set(found.name, rank);
    picked[found.name] = value;
  }
  if (!validateClaimsInput(picked)) {
    const error = validateClaimsInput.errors?.[0];
    const name = error?.instancePath.replace(/^\//, '') || 'claims';
    const problem =
      error?.keyword === 'maxLength'
        ? `is longer than ${MAX_CLAIM_LENGTH} characters`
        : 'must be a string (or a number)';
    return fail(badRequest('InvalidClaim', `The claim '${name}' ${problem}.`));
  }
  const input: ClaimsInput = {};
  for (const name of Object.keys(picked) as ClaimName[]) {
    const value = picked[name];
    if (typeof value !== 'string' || value.trim() === '') continue;
    if (SINGLE.has(name) && value.includes(',')) return fail(repeated(`'${name}'`));
    input[name] = value;
  }
  if (input.objectId !== undefined && !GUID.test(input.objectId.trim())) {
    return fail(
      badRequest('InvalidClaim', "The claim 'objectId' must be the user's object id, a GUID."),
    );
  }
  return { ok: true, value: input };
}

function mediaType(request: HttpRequest): { type: string; charset: string | undefined } {
  const header = request.headers.get('content-type') ?? '';
  const [type = '', ...params] = header.split(';');
  const charset = params
    .map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(p)?.[1])
    .find((c) => c !== undefined);
  return { type: type.trim().toLowerCase(), charset: charset?.toLowerCase() };
}

/**
 * A claim's name for a developer message: ours by name; any other is not echoed (a caller's
 * key could be personal data).
 */
function claimLabel(key: string): string {
  return CANONICAL.has(withoutExtensionPrefix(key).toLowerCase())
    ? `'${key}'`
    : '(not one the API reads)';
}

/** A value the host may have joined from repeats: a comma in a one-value claim. */
function joinedRepeat(key: string, value: string): boolean {
  const found = CANONICAL.get(withoutExtensionPrefix(key).toLowerCase());
  return found !== undefined && SINGLE_WHEN_JOINED.has(found.name) && value.includes(',');
}

function fromPairs(
  pairs: URLSearchParams,
  skip: ReadonlySet<string>,
  joinsRepeats: boolean,
): Parsed<RawClaims> {
  const claims: RawClaims = new Map();
  for (const [key, value] of pairs) {
    if (skip.has(key)) continue;
    if (claims.has(key) || (joinsRepeats && joinedRepeat(key, value))) {
      return fail(repeated(claimLabel(key)));
    }
    claims.set(key, value);
  }
  return { ok: true, value: claims };
}

/** SendClaimsIn Header: one request header per claim, named by its PartnerClaimType. */
function fromHeaders(request: HttpRequest): Parsed<RawClaims> {
  const claims: RawClaims = new Map();
  for (const spelling of CANONICAL.keys()) {
    const value = request.headers.get(spelling);
    if (value === null) continue;
    // Repeated headers arrive joined with ", " (Fetch and the Functions host alike).
    if (joinedRepeat(spelling, value)) return fail(repeated(claimLabel(spelling)));
    claims.set(spelling, value);
  }
  return { ok: true, value: claims };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const SKIP_IN_QUERY: ReadonlySet<string> = new Set(['code']);
const SKIP_NOTHING: ReadonlySet<string> = new Set();

/** The raw claims of a request, or the 4xx that explains why they cannot be read. */
export async function readClaims(request: HttpRequest): Promise<Parsed<RawClaims>> {
  if (request.method === 'GET' || request.method === 'HEAD') {
    // `code` is the Functions key, never a claim.
    // The Functions host joins a repeated query key with a comma before the app sees it.
    const query = fromPairs(request.query, SKIP_IN_QUERY, true);
    if (!query.ok || query.value.size > 0) return query;
    return fromHeaders(request);
  }

  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) return fail(payloadTooLarge(MAX_BODY_BYTES));
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) return fail(payloadTooLarge(MAX_BODY_BYTES));
  if (bytes.byteLength === 0) {
    return fail(badRequest('MalformedBody', 'The request body is empty: send the claims as JSON.'));
  }

  const { type, charset } = mediaType(request);
  const isJson = type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
  const isForm = type === 'application/x-www-form-urlencoded';
  if (!isJson && !isForm) {
    return fail(
      unsupportedMediaType(
        `Content-Type '${type.slice(0, 100) || '(none)'}' is not supported: use application/json or application/x-www-form-urlencoded.`,
      ),
    );
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return fail(
      unsupportedMediaType(`Charset '${charset.slice(0, 40)}' is not supported: use utf-8.`),
    );
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return fail(badRequest('MalformedBody', 'The request body is not valid UTF-8.'));
  }

  if (isForm) {
    if (/^\s*\{/.test(text)) {
      return fail(
        unsupportedMediaType(
          'The body looks like JSON but Content-Type is application/x-www-form-urlencoded: send Content-Type: application/json.',
        ),
      );
    }
    return fromPairs(new URLSearchParams(text), SKIP_NOTHING, false);
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(badRequest('MalformedBody', 'The request body is not valid JSON.'));
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(badRequest('MalformedBody', 'The request body must be a JSON object of claims.'));
  }
  // JSON.parse makes `__proto__` an own property; a Map keeps it a plain key.
  return { ok: true, value: new Map(Object.entries(body)) };
}
