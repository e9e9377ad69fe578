/**
 * Every answer the API gives, each type beside its JSON Schema, compiled once at module load.
 * Tests check every answer against these; the dialect adapters only build these shapes.
 */
import Ajv, { type JSONSchemaType, type ValidateFunction } from 'ajv';

export { API_VERSION } from './version';

/** Output claims: a flat JSON object of strings. Never null, never nested. */
export type Claims = Record<string, string>;

/** Custom policy, 200: the output claims, flat. */
export type CustomPolicyClaims = Claims;

/** Custom policy, 4xx: 409 for a business rejection the user can act on; 400/413/415 otherwise. */
export interface CustomPolicyError {
  version: string;
  status: number;
  userMessage: string;
  code?: string;
  requestId?: string;
  developerMessage?: string;
}

/** User flow, 200 Continue, with the claims it returns. */
export type UserFlowContinue = { version: string; action: 'Continue' } & Claims;

/** User flow, 200 ShowBlockPage. */
export interface UserFlowBlockPage {
  version: string;
  action: 'ShowBlockPage';
  userMessage: string;
  code?: string;
  requestId?: string;
}

/** User flow, HTTP 400 ValidationError (and any other user-flow 4xx). */
export interface UserFlowValidationError {
  version: string;
  status: number;
  action: 'ValidationError';
  userMessage: string;
  code?: string;
  requestId?: string;
  developerMessage?: string;
}

const nonEmpty = { type: 'string', minLength: 1 } as const;
const optionalText = { type: 'string', nullable: true } as const;

export const customPolicyClaimsSchema: JSONSchemaType<CustomPolicyClaims> = {
  type: 'object',
  required: [],
  additionalProperties: { type: 'string' },
};

export const customPolicyErrorSchema: JSONSchemaType<CustomPolicyError> = {
  type: 'object',
  properties: {
    version: nonEmpty,
    status: { type: 'integer', minimum: 400, maximum: 599 },
    userMessage: nonEmpty,
    code: optionalText,
    requestId: optionalText,
    developerMessage: optionalText,
  },
  required: ['version', 'status', 'userMessage'],
  additionalProperties: false,
};

export const userFlowContinueSchema = {
  type: 'object',
  properties: {
    version: nonEmpty,
    action: { type: 'string', const: 'Continue' },
  },
  required: ['version', 'action'],
  additionalProperties: { type: 'string' },
} as const;

export const userFlowBlockPageSchema: JSONSchemaType<UserFlowBlockPage> = {
  type: 'object',
  properties: {
    version: nonEmpty,
    action: { type: 'string', const: 'ShowBlockPage' },
    userMessage: nonEmpty,
    code: optionalText,
    requestId: optionalText,
  },
  required: ['version', 'action', 'userMessage'],
  additionalProperties: false,
};

export const userFlowValidationErrorSchema: JSONSchemaType<UserFlowValidationError> = {
  type: 'object',
  properties: {
    version: nonEmpty,
    status: { type: 'integer', minimum: 400, maximum: 499 },
    action: { type: 'string', const: 'ValidationError' },
    userMessage: nonEmpty,
    code: optionalText,
    requestId: optionalText,
    developerMessage: optionalText,
  },
  required: ['version', 'status', 'action', 'userMessage'],
  additionalProperties: false,
};

const ajv = new Ajv({ allErrors: true, strict: true });

export const validateCustomPolicyClaims: ValidateFunction<CustomPolicyClaims> =
  ajv.compile(customPolicyClaimsSchema);
export const validateCustomPolicyError: ValidateFunction<CustomPolicyError> =
  ajv.compile(customPolicyErrorSchema);
export const validateUserFlowContinue: ValidateFunction<UserFlowContinue> =
  ajv.compile(userFlowContinueSchema);
export const validateUserFlowBlockPage: ValidateFunction<UserFlowBlockPage> =
  ajv.compile(userFlowBlockPageSchema);
export const validateUserFlowValidationError: ValidateFunction<UserFlowValidationError> =
  ajv.compile(userFlowValidationErrorSchema);
