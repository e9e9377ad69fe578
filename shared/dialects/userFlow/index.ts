/**
 * The user-flow dialect (a B2C API connector): a request with a `step` claim. Its step names
 * are read into the journey's; answers: answer.ts.
 */
import { errorBody } from '../../contract/errorBody';
import { badRequest } from '../../contract/errors';
import type { Parsed, RawClaims } from '../../contract/requests';
import type { JourneyStep } from '../../loyalty/journey';
import type { DialectAdapter } from '../dialect';
import { userFlowAnswer, userFlowError } from './answer';

const STEPS: Readonly<Record<string, JourneyStep>> = {
  postfederationsignup: 'beforeSignUp',
  postattributecollection: 'afterAttributeCollection',
  pretokenissuance: 'beforeToken',
  pretokenapplicationclaims: 'beforeToken',
};

/** A request with a `step` claim is a user-flow API connector. */
function hasStep(raw: RawClaims): boolean {
  for (const key of raw.keys()) if (key.toLowerCase() === 'step') return true;
  return false;
}

/** `PreTokenIssuance` and its other documented spelling `PreTokenApplicationClaims` are one step. */
export function parseStep(step: string | undefined): Parsed<JourneyStep> {
  const known = step === undefined ? undefined : STEPS[step.trim().toLowerCase()];
  if (known === undefined) {
    return {
      ok: false,
      error: badRequest(
        'UnknownStep',
        'The step must be PostFederationSignup, PostAttributeCollection or PreTokenIssuance (PreTokenApplicationClaims).',
      ),
    };
  }
  return { ok: true, value: known };
}

export const userFlow: DialectAdapter<undefined> = {
  name: 'userFlow',
  sendsDeclaredClaims: false,
  // User flows send no address: an attribute of that name would be the user's own text.
  carriesAddress: false,
  recognises: hasStep,
  read: (raw) => ({ ok: true, value: { claims: raw, context: undefined } }),
  step: (input) => parseStep(input.step),
  answer: (decision, ctx) =>
    userFlowAnswer(decision, {
      step: ctx.step,
      requestId: ctx.requestId,
      extensionsAppId: ctx.extensionsAppId,
      warn: ctx.warn,
    }),
  // A user flow's 4xx is a ValidationError; anything else the API's error body.
  error: (error, userMessage, requestId) =>
    error.status < 500
      ? userFlowError(error, userMessage, requestId)
      : errorBody(error, userMessage, requestId),
};
