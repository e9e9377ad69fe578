/**
 * What the benchmark asks, one scenario per function and dialect, each as B2C sends it (see the
 * README's examples), with the exact answer expected for every user. The bare server answers the
 * same bytes, so both are checked by the same comparison.
 */
import type { BenchUser } from './dataset';
import { UsageError } from './options';

export const API_VERSION = '1.0.0';
const CLIENT_ID = '93fd07aa-333c-409d-955d-96008fd08dd9';

export interface ScenarioRequest {
  readonly body: string;
  /** The answer's body, with any requestId written as REQUEST_ID. */
  readonly expected: string;
}

export interface Scenario {
  readonly id: string;
  readonly functionName: 'ValidateProfile' | 'GetProfile' | 'EnrichToken';
  readonly dialect: 'custom policy' | 'user flow';
  /** What is asked, in a few words (the table's label). */
  readonly what: string;
  readonly path: string;
  readonly expectedStatus: number;
  /** The Table Storage calls one request costs in the bare server (the fewest the rule needs). */
  readonly storageCalls: string;
  request(user: BenchUser): ScenarioRequest;
}

export const REQUEST_ID = '<requestId>';
const REQUEST_ID_FIELD = /"requestId":"[^"]*"/g;

/** The body with its (random) requestId replaced, ready to compare with `expected`. */
export function comparable(body: string): string {
  return body.replace(REQUEST_ID_FIELD, `"requestId":"${REQUEST_ID}"`);
}

/** A loyalty ID nobody holds: the point read finds nothing and the answer is a rejection. */
function unknownLoyaltyId(user: BenchUser): string {
  return `9${user.loyaltyId}`;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'validateProfile-cp-hit',
    functionName: 'ValidateProfile',
    dialect: 'custom policy',
    what: 'promoCode (200)',
    path: '/api/ValidateProfile',
    expectedStatus: 200,
    storageCalls: '1 point read (member)',
    request: (user) => ({
      body: JSON.stringify({ email: user.email, loyaltyId: user.loyaltyId, lang: '1033' }),
      expected: JSON.stringify({ promoCode: user.promoCode }),
    }),
  },
  {
    id: 'validateProfile-cp-409',
    functionName: 'ValidateProfile',
    dialect: 'custom policy',
    what: 'not associated (409)',
    path: '/api/ValidateProfile',
    expectedStatus: 409,
    storageCalls: '2 point reads (member: 404, then failure counter), 1 counter write',
    request: (user) => ({
      body: JSON.stringify({ email: user.email, loyaltyId: unknownLoyaltyId(user), lang: '1033' }),
      expected: JSON.stringify({
        version: API_VERSION,
        status: 409,
        userMessage: `Loyalty ID '${unknownLoyaltyId(user)}' is not associated with '${user.email}' email address.`,
        code: 'NotAssociated',
        requestId: REQUEST_ID,
      }),
    }),
  },
  {
    id: 'validateProfile-uf-pac',
    functionName: 'ValidateProfile',
    dialect: 'user flow',
    what: 'PostAttributeCollection',
    path: '/api/ValidateProfile',
    expectedStatus: 200,
    storageCalls: '1 point read (member)',
    request: (user) => ({
      body: JSON.stringify({
        step: 'PostAttributeCollection',
        client_id: CLIENT_ID,
        ui_locales: 'en-US',
        email: user.email,
        extension_loyaltyId: user.loyaltyId,
      }),
      expected: JSON.stringify({
        version: API_VERSION,
        action: 'Continue',
        extension_promoCode: user.promoCode,
      }),
    }),
  },
  {
    id: 'getProfile-cp',
    functionName: 'GetProfile',
    dialect: 'custom policy',
    what: 'existing user',
    path: '/api/GetProfile',
    expectedStatus: 200,
    storageCalls: '1 point read (balance)',
    request: (user) => ({
      body: JSON.stringify({ objectId: user.objectId, lang: '1033' }),
      expected: JSON.stringify({ balance: user.balance }),
    }),
  },
  {
    id: 'enrichToken-uf',
    functionName: 'EnrichToken',
    dialect: 'user flow',
    what: 'PreTokenIssuance',
    path: '/api/EnrichToken',
    expectedStatus: 200,
    storageCalls: '1 point read (balance) + 1 partition query (memberships), in parallel',
    request: (user) => ({
      body: JSON.stringify({
        step: 'PreTokenIssuance',
        client_id: CLIENT_ID,
        ui_locales: 'en-US',
        email: user.email,
        objectId: user.objectId,
      }),
      expected: JSON.stringify({
        version: API_VERSION,
        action: 'Continue',
        extension_balance: user.balance,
        extension_loyaltyId: user.loyaltyId,
        extension_promoCode: user.promoCode,
      }),
    }),
  },
];

export function scenarioLabel(scenario: Scenario): string {
  return `${scenario.functionName} ${scenario.dialect === 'custom policy' ? 'CP' : 'UF'} ${scenario.what}`;
}

/** The scenarios `only` names (all when empty); throws on an unknown id. */
export function selectScenarios(only: readonly string[]): Scenario[] {
  if (only.length === 0) return [...SCENARIOS];
  return only.map((id) => {
    const found = SCENARIOS.find((s) => s.id === id);
    if (found === undefined) {
      throw new UsageError(
        `unknown scenario "${id}"; known: ${SCENARIOS.map((s) => s.id).join(', ')}`,
      );
    }
    return found;
  });
}
