/**
 * The B2C simulator's reading of a RESTful technical profile's answer, against a canned local
 * server (the requests it builds are in policySimulator.test.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callRestProfile,
  PolicySet,
  type TechnicalProfile,
} from '../../scripts/preview/simulators/b2c';
import { shippedPolicies } from '../support/policyKit';

const shipped = new PolicySet(shippedPolicies());
const validate = shipped.restProfile('REST-ValidateProfile');
const DAVID = { email: 'david@contoso.com', loyaltyId: '5678' };

describe('how B2C reads the answer of a RESTful technical profile', () => {
  let server: Server;
  let baseUrl: string;
  let next: { status: number; body: string } = { status: 200, body: '{}' };

  beforeAll(async () => {
    server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(next.status, { 'content-type': 'application/json' });
      res.end(next.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function answer(status: number, body: unknown, tp: TechnicalProfile = validate) {
    next = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
    return callRestProfile(tp, DAVID, shipped, { redirectTo: baseUrl });
  }

  it('200: takes the output claims from the flat JSON object', async () => {
    expect(await answer(200, { promoCode: 'SPRING24', other: 'x' })).toMatchObject({
      kind: 'claims',
      claims: { promoCode: 'SPRING24' },
      missing: [],
    });
  });

  it('200 without an output claim: its empty DefaultValue applies, so no claim is left missing', async () => {
    expect(await answer(200, {})).toMatchObject({
      kind: 'claims',
      claims: {},
      missing: [],
    });
  });

  it('200 with a nested object or no JSON: a technical failure', async () => {
    expect(await answer(200, { promoCode: { code: 'x' } })).toMatchObject({ kind: 'failure' });
    expect(await answer(200, '<html>')).toMatchObject({ kind: 'failure' });
  });

  it('409 with version, status and userMessage: the message is shown on the page', async () => {
    expect(
      await answer(409, { version: '1.0.0', status: 409, userMessage: 'Nope.' }),
    ).toMatchObject({
      kind: 'pageError',
      userMessage: 'Nope.',
    });
  });

  it('409 without userMessage, and any other status: a failure the user sees as DefaultUserMessageIfRequestFailed', async () => {
    for (const [status, body] of [
      [409, { version: '1.0.0', status: 409 }],
      [400, { version: '1.0.0', status: 400, userMessage: 'Bad.' }],
      [500, { error: 'boom' }],
    ] as const) {
      const outcome = await answer(status, body);
      expect(outcome).toMatchObject({
        kind: 'failure',
        shownToUser: "We can't check your loyalty ID right now. Please try again in a moment.",
      });
    }
  });

  it('without DefaultUserMessageIfRequestFailed, shows B2C’s own text, which names the ServiceUrl', async () => {
    const bare: TechnicalProfile = {
      ...validate,
      metadata: new Map(
        [...validate.metadata].filter(([k]) => k !== 'DefaultUserMessageIfRequestFailed'),
      ),
    };
    next = { status: 200, body: '{}' };
    const closed = await callRestProfile(bare, DAVID, shipped, {
      redirectTo: 'http://127.0.0.1:9',
    });
    expect(closed).toMatchObject({ kind: 'failure' });
    if (closed.kind === 'failure')
      expect(closed.shownToUser).toContain(
        'https://your-app.azurewebsites.net/api/ValidateProfile',
      );
  });
});
