/**
 * A dialect is one folder and one registry line. A fourth dialect, defined only in
 * tests/support/dialects/sample/ and registered with one line, is recognised, read, decided and
 * answered by the real pipeline and functions, with telemetry naming it; the three real ones
 * answer as before beside it. And the registry lists exactly the folders of shared/dialects/.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeEnrichToken } from '../../functions/EnrichToken';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { DIALECTS, dialectRegistry } from '../../shared/dialects/registry';
import { MemoryLoyaltyRepository } from '../support/memoryRepository';
import { tokenIssuanceStart } from '../../scripts/preview/simulators/entraEvents';
import { aMember } from '../support/builders';
import { sample } from '../support/dialects/sample';
import { invoke, testDeps, type RequestSpec, type TestDeps } from '../support/invoke';

const USER = 'd6d77053-92bc-4af6-8332-8bea8c4c6904';
const DIALECTS_DIR = resolve(__dirname, '..', '..', 'shared', 'dialects');

let deps: TestDeps;

beforeEach(async () => {
  const repository = new MemoryLoyaltyRepository();
  await repository.saveMember(
    aMember({ email: 'david@contoso.com', loyaltyId: '5678', promoCode: 'SPRING24' }),
  );
  await repository.saveMember(
    aMember({ email: 'sam@fabrikam.com', loyaltyId: '7777', status: 'suspended' }),
  );
  // The one line that adds a dialect (here before the others, as entra is in DIALECTS).
  deps = { ...testDeps({ repository }), dialects: dialectRegistry([sample, ...DIALECTS.dialects]) };
});

const validate = (spec: RequestSpec) =>
  invoke(makeValidateProfile(deps), { functionName: 'ValidateProfile', ...spec });
const enrich = (spec: RequestSpec) =>
  invoke(makeEnrichToken(deps), { functionName: 'EnrichToken', ...spec });
const event = (moment: string, user: Record<string, string>) => ({
  json: { event: 'journey.step', moment, user },
});

describe('a fourth dialect, added as a folder and one registry line', () => {
  it('validates a sign-up in its own shape, at the step it names', async () => {
    const good = await validate(event('submit', { email: 'david@contoso.com', loyaltyId: '5678' }));
    expect(good.status).toBe(200);
    expect(good.body).toEqual({ outcome: 'go', claims: { promoCode: 'SPRING24' } });

    const wrong = await validate(
      event('submit', { email: 'david@contoso.com', loyaltyId: '1234', language: 'fr' }),
    );
    expect(wrong.body).toEqual({
      outcome: 'fix',
      code: 'NotAssociated',
      message:
        "L'identifiant de fidélité '1234' n'est pas associé à l'adresse e-mail 'david@contoso.com'.",
    });
  });

  it('pre-fills before sign-up and stops a suspended member, as the functions decide for any dialect', async () => {
    const prefill = await validate(event('signup', { email: 'david@contoso.com' }));
    expect(prefill.body).toEqual({ outcome: 'go', claims: { loyaltyId: '5678' } });
    const stopped = await validate(event('signup', { email: 'sam@fabrikam.com' }));
    expect(stopped.body).toMatchObject({ outcome: 'stop', code: 'Suspended' });
  });

  it('enriches the token, and telemetry names the dialect and the step', async () => {
    const answer = await enrich(event('token', { id: USER, email: 'david@contoso.com' }));
    expect(answer.body).toEqual({
      outcome: 'go',
      claims: { balance: '50.00', loyaltyId: '5678', promoCode: 'SPRING24' },
    });
    expect(deps.telemetry.events[0]?.properties).toMatchObject({
      dialect: 'sample',
      step: 'PreTokenIssuance',
      outcome: 'claims',
    });
    expect(deps.telemetry.requests[0]?.properties).toMatchObject({
      dialect: 'sample',
      step: 'PreTokenIssuance',
    });
  });

  it('answers what it cannot read in its own error shape, with a 4xx', async () => {
    const unknown = await validate(event('later', { email: 'david@contoso.com' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error: 'UnknownStep',
      message: expect.any(String),
      requestId: unknown.invocationId,
    });
    const noUser = await validate({ json: { event: 'journey.step', moment: 'submit' } });
    expect(noUser.status).toBe(400);
    expect(noUser.body.error).toBe('MalformedBody');
  });

  it('leaves the three dialects answering as before beside it', async () => {
    const customPolicy = await validate({
      json: { email: 'david@contoso.com', loyaltyId: '5678' },
    });
    expect(customPolicy.body).toEqual({ promoCode: 'SPRING24' });
    const userFlow = await validate({
      json: { step: 'PostAttributeCollection', email: 'david@contoso.com', loyaltyId: '1234' },
    });
    expect(userFlow.status).toBe(400);
    expect(userFlow.body.action).toBe('ValidationError');
    const entra = await enrich({ json: tokenIssuanceStart({ id: USER }) });
    expect(entra.body.data.actions[0]['@odata.type']).toBe(
      'microsoft.graph.tokenIssuanceStart.provideClaimsForToken',
    );
    expect(deps.telemetry.events.map((e) => e.properties.dialect)).toEqual([
      'customPolicy',
      'userFlow',
      'entra',
    ]);
  });
});

describe('the registry', () => {
  it('lists the dialects in the order they are recognised: Entra, user flow, custom policy', () => {
    expect(DIALECTS.dialects.map((d) => d.name)).toEqual(['entra', 'userFlow', 'customPolicy']);
    expect(DIALECTS.fallback.name).toBe('customPolicy');
    expect(DIALECTS.recognise(new Map([['Step', 'x']])).name).toBe('userFlow');
    expect(DIALECTS.recognise(new Map([['email', 'a@b.c']])).name).toBe('customPolicy');
  });

  it('has one line per folder of shared/dialects/, each folder named as its dialect', () => {
    const folders = readdirSync(DIALECTS_DIR).filter((name) =>
      statSync(join(DIALECTS_DIR, name)).isDirectory(),
    );
    expect(folders.sort()).toEqual(DIALECTS.dialects.map((d) => d.name).sort());
  });
});
