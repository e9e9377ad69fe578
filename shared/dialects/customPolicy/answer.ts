/**
 * The custom-policy dialect (RESTful technical profile): 200 with flat claims; a rejection is
 * HTTP 409 `{version, status: 409, userMessage}` (B2C shows userMessage on the page); any other
 * error its own 4xx status in the same shape, with `developerMessage` (contract/errorBody.ts).
 */
import type { HttpResponseInit } from '@azure/functions';
import { definedClaims, type Decision } from '../../contract/decision';
import { jsonResponse } from '../../contract/json';
import type { CustomPolicyError } from '../../contract/responses';
import { API_VERSION } from '../../contract/version';

export function customPolicyAnswer(decision: Decision, requestId: string): HttpResponseInit {
  if (decision.kind === 'continue') return jsonResponse(200, definedClaims(decision.claims));
  const body: CustomPolicyError = {
    version: API_VERSION,
    status: 409,
    userMessage: decision.userMessage,
    code: decision.code,
    requestId,
  };
  return jsonResponse(409, body);
}
