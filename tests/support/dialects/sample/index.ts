/**
 * A fourth dialect, for tests only: what adding one takes. This folder and one line in a
 * registry (tests/unit/dialectRegistry.test.ts); nothing in the pipeline or the functions.
 * Its requests: `{"event": "journey.step", "moment": "signup" | "submit" | "token",
 * "user": {"id", "email", "loyaltyId", "language"}}`. Its answers: 200
 * `{"outcome": "go", "claims"}`, `{"outcome": "fix" | "stop", "code", "message"}`; its errors
 * `{"error", "message", "requestId"}` with the error's status.
 */
import type { HttpResponseInit } from '@azure/functions';
import { badRequest } from '../../../../shared/contract/errors';
import { jsonResponse } from '../../../../shared/contract/json';
import type { DialectAdapter } from '../../../../shared/dialects/registry';
import type { JourneyStep } from '../../../../shared/loyalty/journey';

const MOMENTS: Readonly<Record<string, JourneyStep>> = {
  signup: 'beforeSignUp',
  submit: 'afterAttributeCollection',
  token: 'beforeToken',
};

const USER_FIELDS: Readonly<Record<string, string>> = {
  id: 'objectId',
  email: 'email',
  loyaltyId: 'loyaltyId',
  language: 'lang',
};

export const sample: DialectAdapter<{ readonly moment: unknown }> = {
  name: 'sample',
  sendsDeclaredClaims: false,
  carriesAddress: false,
  recognises: (raw) => raw.get('event') === 'journey.step',
  read: (raw) => {
    const user = raw.get('user');
    if (typeof user !== 'object' || user === null || Array.isArray(user)) {
      return {
        ok: false,
        error: badRequest('MalformedBody', 'A journey.step event needs "user".'),
      };
    }
    const claims = new Map<string, unknown>();
    for (const [field, claim] of Object.entries(USER_FIELDS)) {
      const value = (user as Record<string, unknown>)[field];
      if (value !== undefined) claims.set(claim, value);
    }
    return { ok: true, value: { claims, context: { moment: raw.get('moment') } } };
  },
  step: (_input, context) => {
    const step = typeof context.moment === 'string' ? MOMENTS[context.moment] : undefined;
    if (step === undefined) {
      return {
        ok: false,
        error: badRequest('UnknownStep', 'The moment must be signup, submit or token.'),
      };
    }
    return { ok: true, value: step };
  },
  answer: (decision): HttpResponseInit =>
    decision.kind === 'continue'
      ? jsonResponse(200, { outcome: 'go', claims: decision.claims })
      : jsonResponse(200, {
          outcome: decision.kind === 'invalid' ? 'fix' : 'stop',
          code: decision.code,
          message: decision.userMessage,
        }),
  error: (error, userMessage, requestId) =>
    jsonResponse(error.status, { error: error.code, message: userMessage, requestId }),
};
