/**
 * The error taxonomy: every answer that is not a business decision. The caller's dialect
 * (shared/dialects/, its `error`) turns these into its wire shape; anything else thrown becomes
 * `internal`.
 */
import type { MessageKey } from '../i18n/messages';

export type ErrorCode =
  | 'InvalidRequest'
  | 'MalformedBody'
  | 'InvalidClaim'
  | 'MissingClaim'
  | 'UnknownStep'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'Unauthorized'
  | 'StorageUnavailable'
  | 'Internal';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    /** For the identity developer (B2C shows it in DebugMode); never holds a secret or claim value. */
    readonly developerMessage: string,
    /** What the user reads. */
    readonly userMessageKey: MessageKey = 'badRequest',
  ) {
    super(developerMessage);
    this.name = 'ApiError';
  }
}

export const badRequest = (code: ErrorCode, developerMessage: string): ApiError =>
  new ApiError(code, 400, developerMessage);

export const payloadTooLarge = (limit: number): ApiError =>
  new ApiError('PayloadTooLarge', 413, `The request body is larger than ${limit} bytes.`);

export const unsupportedMediaType = (developerMessage: string): ApiError =>
  new ApiError('UnsupportedMediaType', 415, developerMessage);

export const missingClaim = (claim: string): ApiError =>
  new ApiError('MissingClaim', 400, `The claim '${claim}' is required.`);

export const internalError = (): ApiError =>
  new ApiError(
    'Internal',
    500,
    'An unexpected error occurred; see the logs for this requestId.',
    'internal',
  );
