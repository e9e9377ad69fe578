/**
 * ValidateProfile: sign-up. Is this loyalty ID registered to this email? → promo code, or a
 * message the user can act on.
 * - custom policy (validation technical profile REST-ValidateProfile): email, loyaltyId, lang
 *   in; promoCode out, or HTTP 409 with userMessage;
 * - at a journey step (user flow, Entra): after attribute collection it validates (the promo
 *   code, a message the user can correct, or a block when suspended); before sign-up it
 *   pre-fills the loyalty ID of an active membership (a block when suspended).
 */
import type { HttpHandler, HttpResponseInit } from '@azure/functions';
import { missingClaim } from '../shared/contract/errors';
import type { Deps } from '../shared/deps';
import { httpFunction, type AnswerScope, type Call } from '../shared/http/pipeline';
import { registerHttpFunction } from '../shared/app';
import { addressKey } from '../shared/loyalty/address';
import { checkLoyaltyId, membershipOf } from '../shared/loyalty/rules';

/** Storage could not answer in time: the user is asked to try again (never a 5xx, never a hang). */
function degraded(scope: AnswerScope): HttpResponseInit {
  if (scope.step === 'beforeSignUp' || scope.step === 'beforeToken') {
    return scope.answer({ kind: 'continue', claims: {} });
  }
  return scope.answer({
    kind: 'invalid',
    code: 'Unavailable',
    userMessage: scope.message('unavailable'),
  });
}

async function prefill(
  call: Call,
  deps: Deps,
  email: string | undefined,
): Promise<HttpResponseInit> {
  if (email === undefined) {
    call.track('noEmail');
    return call.answer({ kind: 'continue', claims: {} });
  }
  const verdict = await membershipOf(deps.repository, email, { signal: call.deadline.signal });
  call.track(verdict.outcome, call.userRef(email));
  switch (verdict.outcome) {
    case 'member':
      return call.answer({ kind: 'continue', claims: { loyaltyId: verdict.loyaltyId } });
    case 'suspended':
      return call.answer({
        kind: 'block',
        code: 'Suspended',
        userMessage: call.message('suspendedSignUp'),
      });
    case 'none':
      return call.answer({ kind: 'continue', claims: {} });
  }
}

async function validate(call: Call, deps: Deps): Promise<HttpResponseInit> {
  const { email, loyaltyId } = call.input;
  if (loyaltyId === undefined) {
    // The loyalty ID is optional at sign-up.
    call.track('noLoyaltyId');
    return call.answer({ kind: 'continue', claims: {} });
  }
  // A loyalty ID is checked against an email: without one (a user flow may leave it out), the
  // pair cannot be checked.
  if (email === undefined) return call.fail(missingClaim('email'));

  const verdict = await checkLoyaltyId(
    deps.repository,
    {
      attempts: deps.attempts,
      breaker: deps.counterBreaker,
      // Only a dialect that carries the user's address gives one (never the user's own text).
      address: addressKey(call.address),
      maxFailures: deps.config.maxFailedValidations,
      maxFailuresPerEmail: deps.config.maxFailedValidationsPerEmail,
      windowMs: deps.config.failedValidationWindowMs,
      now: deps.clock(),
    },
    email,
    loyaltyId,
    call.deadline,
  );
  call.track(verdict.outcome, call.userRef(email));
  switch (verdict.outcome) {
    case 'promo':
      return call.answer({ kind: 'continue', claims: { promoCode: verdict.promoCode } });
    case 'notAssociated':
      return call.answer({
        kind: 'invalid',
        code: 'NotAssociated',
        userMessage: call.message('notAssociated', { loyaltyId, email }),
      });
    case 'suspended':
      return call.answer({
        kind: 'block',
        code: 'Suspended',
        userMessage: call.message('suspended', { loyaltyId }),
      });
    case 'throttled':
      return call.answer({
        kind: 'invalid',
        code: 'TooManyAttempts',
        userMessage: call.message('tooManyAttempts'),
      });
  }
}

export function makeValidateProfile(deps: Deps): HttpHandler {
  return httpFunction(deps, {
    // A validation technical profile always sends the email it validates.
    required: ['email'],
    decide: async (call) => {
      if (call.step === 'beforeToken') {
        call.warn(
          'called at PreTokenIssuance: connect EnrichToken to "Before sending the token" and ValidateProfile to "Before creating the user". Answered Continue.',
        );
        call.track('misconfigured');
        return call.answer({ kind: 'continue', claims: {} });
      }
      if (call.step === 'beforeSignUp') return prefill(call, deps, call.input.email);
      return validate(call, deps);
    },
    degraded,
  });
}

registerHttpFunction('ValidateProfile', ['GET', 'POST'], makeValidateProfile);
