/**
 * The request schema is compiled at development time (npm run generate): the committed code must
 * be what Ajv makes of the schema today, and must judge every input as Ajv compiling the schema at
 * run time would (same verdict, same coercion, same first error).
 */
import Ajv from 'ajv';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, validatorSource } from '../../scripts/generateValidators';
import {
  CLAIMS_INPUT_AJV_OPTIONS,
  claimsInputSchema,
  MAX_CLAIM_LENGTH,
} from '../../shared/contract/claimsInput';
import generated from '../../shared/contract/generated/claimsInputValidator';

const compiled = new Ajv(CLAIMS_INPUT_AJV_OPTIONS).compile(claimsInputSchema);
const generatedValidate = generated as unknown as typeof compiled;

function judge(validate: typeof compiled, input: Record<string, unknown>) {
  const data = structuredClone(input);
  const valid = validate(data);
  const error = validate.errors?.[0];
  return {
    valid,
    data,
    error: valid ? undefined : { path: error?.instancePath, kw: error?.keyword },
  };
}

const NAMES = ['email', 'loyaltyId', 'objectId', 'lang', 'ui_locales', 'client_id', 'step', 'x'];
const value = fc.oneof(
  fc.string({ maxLength: MAX_CLAIM_LENGTH + 5 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(''),
  fc.constant(0),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string(), { maxKeys: 2 }),
);

describe('the generated request validator', () => {
  it('is what `npm run generate` makes of the schema today (run it after changing the schema)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(validatorSource());
  });

  it('judges and coerces every input as Ajv compiling the schema at run time', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...NAMES), value), (input) => {
        expect(judge(generatedValidate, input)).toEqual(judge(compiled, input));
      }),
      { numRuns: 500 },
    );
  });

  it('accepts text and numbers as text, refuses objects and over-long claims', () => {
    expect(judge(generatedValidate, { email: 'a@b.c', loyaltyId: 42 })).toEqual({
      valid: true,
      data: { email: 'a@b.c', loyaltyId: '42' },
      error: undefined,
    });
    expect(judge(generatedValidate, { email: { a: 1 } }).error).toEqual({
      path: '/email',
      kw: 'type',
    });
    expect(judge(generatedValidate, { step: 'x'.repeat(MAX_CLAIM_LENGTH + 1) }).error).toEqual({
      path: '/step',
      kw: 'maxLength',
    });
  });
});
