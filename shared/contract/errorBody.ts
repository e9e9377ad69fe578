/**
 * The API's own error body: `{version, status, userMessage, code, requestId, developerMessage}`
 * with the error's status. Custom policies read it (and Entra and a user flow's 5xx get it too).
 */
import type { HttpResponseInit } from '@azure/functions';
import type { ApiError } from './errors';
import { jsonResponse } from './json';
import type { CustomPolicyError } from './responses';
import { API_VERSION } from './version';

export function errorBody(
  error: ApiError,
  userMessage: string,
  requestId: string,
): HttpResponseInit {
  const body: CustomPolicyError = {
    version: API_VERSION,
    status: error.status,
    userMessage,
    code: error.code,
    requestId,
    developerMessage: error.developerMessage,
  };
  return jsonResponse(error.status, body);
}
