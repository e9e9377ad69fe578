/**
 * The claims the functions read, under their canonical names: the type and its JSON Schema side
 * by side. The schema is compiled once, at development time, into generated/claimsInputValidator.ts
 * (`npm run generate`; a unit test fails when the two drift apart), so the app never loads the
 * Ajv compiler: compiling at start cost a cold instance about 100 ms before its first answer.
 */
import type { JSONSchemaType, Options } from 'ajv';
import { MAX_FIELD_LENGTH } from '../loyalty/member';

/** A claim is at most as long as the member field it names. */
export const MAX_CLAIM_LENGTH = MAX_FIELD_LENGTH;

export interface ClaimsInput {
  email?: string;
  loyaltyId?: string;
  objectId?: string;
  lang?: string;
  ui_locales?: string;
  client_id?: string;
  correlationId?: string;
  step?: string;
  /** The user's IP address (custom policies: {Context:IPAddress}; Entra: client.ip). */
  ipAddress?: string;
}

export type ClaimName = keyof ClaimsInput;

const claim = { type: 'string', maxLength: MAX_CLAIM_LENGTH, nullable: true } as const;

export const claimsInputSchema: JSONSchemaType<ClaimsInput> = {
  type: 'object',
  properties: {
    email: claim,
    loyaltyId: claim,
    objectId: claim,
    lang: claim,
    ui_locales: claim,
    client_id: claim,
    correlationId: claim,
    step: claim,
    ipAddress: claim,
  },
  required: [],
  additionalProperties: false,
};

/** coerceTypes: a number (or boolean) where a string is expected counts as its text; null as "". */
export const CLAIMS_INPUT_AJV_OPTIONS: Options = {
  coerceTypes: true,
  allErrors: false,
  strict: true,
};
