/** Asserts that an answer is a valid answer of its dialect, by the contract's own schemas. */
import { expect } from 'vitest';
import {
  validateCustomPolicyClaims,
  validateCustomPolicyError,
  validateUserFlowBlockPage,
  validateUserFlowContinue,
  validateUserFlowValidationError,
} from '../../shared/contract/responses';
import type { Answer } from './invoke';

function hasNullOrNesting(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  return Object.values(value as object).some((v) => v === null || typeof v === 'object');
}

/** Never null, never nested, never HTML or a stack trace; always JSON. */
export function expectCleanJson(answer: Answer): void {
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.body, answer.text).toBeTypeOf('object');
  expect(hasNullOrNesting(answer.body), answer.text).toBe(false);
  expect(answer.text).not.toMatch(/<html|<body|\n\s+at |Error:/i);
}

export function expectCustomPolicyAnswer(answer: Answer): void {
  expectCleanJson(answer);
  if (answer.status === 200) {
    expect(validateCustomPolicyClaims(answer.body), answer.text).toBe(true);
  } else {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(validateCustomPolicyError(answer.body), answer.text).toBe(true);
    expect(answer.body.status).toBe(answer.status);
    expect(answer.body.requestId).toBe(answer.invocationId);
  }
}

export function expectUserFlowAnswer(answer: Answer): void {
  expectCleanJson(answer);
  if (answer.status === 200) {
    const valid =
      answer.body.action === 'ShowBlockPage'
        ? validateUserFlowBlockPage(answer.body)
        : validateUserFlowContinue(answer.body);
    expect(valid, answer.text).toBe(true);
  } else {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(validateUserFlowValidationError(answer.body), answer.text).toBe(true);
    expect(answer.body.status).toBe(answer.status);
  }
}
