/**
 * Calls of ValidateProfile for the caller-authentication tests: a registered member's request
 * under given settings, and what every refusal must be (401, a generic body in the caller's
 * dialect, the reason in a warning log, never the secret).
 */
import { expect } from 'vitest';
import { makeValidateProfile } from '../../functions/ValidateProfile';
import { MemoryLoyaltyRepository } from './memoryRepository';
import { aMember } from './builders';
import { expectCustomPolicyAnswer } from './contract';
import { invoke, testDeps, type Answer, type RequestSpec } from './invoke';

/** A store holding the member REGISTERED names. */
export const repository = new MemoryLoyaltyRepository();
const seeded = repository.saveMember(
  aMember({ email: 'david@contoso.com', loyaltyId: '5678', promoCode: 'SPRING24' }),
);
export const REGISTERED = { json: { email: 'david@contoso.com', loyaltyId: '5678' } };

/** The store, once the member is in it. */
export async function seededRepository(): Promise<MemoryLoyaltyRepository> {
  await seeded;
  return repository;
}

export async function callWith(env: Record<string, string>, spec: RequestSpec): Promise<Answer> {
  await seeded;
  return invoke(makeValidateProfile(testDeps({ repository, env })), { ...REGISTERED, ...spec });
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export function expectRefused(answer: Answer, secrets: readonly string[] = []): void {
  expect(answer.status).toBe(401);
  expect(answer.body).toMatchObject({ status: 401, code: 'Unauthorized' });
  expect(answer.body.developerMessage).toBe('The caller could not be authenticated.');
  expectCustomPolicyAnswer(answer);
  expect(
    answer.logs.some((l) => l.level === 'warning' && l.message.includes('caller refused')),
  ).toBe(true);
  const logs = answer.logs.map((l) => l.message).join('\n');
  for (const secret of secrets) {
    expect(logs).not.toContain(secret);
    expect(answer.text).not.toContain(secret);
  }
}
