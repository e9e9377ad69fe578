/**
 * The user-flow dialect (API connector): 200 Continue with claims, 200 ShowBlockPage, or HTTP
 * 400 ValidationError. ValidationError only at PostAttributeCollection, ShowBlockPage only at
 * PostFederationSignup and PostAttributeCollection, and only Continue at PreTokenIssuance: a
 * decision the step does not allow is answered Continue, and the misconfiguration told.
 */
import type { HttpResponseInit } from '@azure/functions';
import { definedClaims, type Decision, type OutputClaims } from '../../contract/decision';
import type { ApiError } from '../../contract/errors';
import { jsonResponse } from '../../contract/json';
import type {
  UserFlowBlockPage,
  UserFlowContinue,
  UserFlowValidationError,
} from '../../contract/responses';
import { API_VERSION } from '../../contract/version';
import { stepLabel, type JourneyStep } from '../../loyalty/journey';

export interface UserFlowContext {
  readonly step: JourneyStep | undefined;
  readonly requestId: string;
  /** b2c-extensions-app id without hyphens: claims are named extension_<id>_name. */
  readonly extensionsAppId: string | undefined;
  /** Told when a decision cannot be expressed at this step (a policy misconfiguration). */
  readonly warn: (message: string) => void;
}

export function userFlowClaimName(name: string, extensionsAppId: string | undefined): string {
  return extensionsAppId === undefined
    ? `extension_${name}`
    : `extension_${extensionsAppId}_${name}`;
}

function userFlowContinue(claims: OutputClaims, ctx: UserFlowContext): HttpResponseInit {
  const body: UserFlowContinue = {
    version: API_VERSION,
    action: 'Continue',
    ...definedClaims(claims, (name) => userFlowClaimName(name, ctx.extensionsAppId)),
  };
  return jsonResponse(200, body);
}

export function userFlowAnswer(decision: Decision, ctx: UserFlowContext): HttpResponseInit {
  const step = ctx.step ?? 'afterAttributeCollection';
  if (decision.kind === 'continue') return userFlowContinue(decision.claims, ctx);
  if (decision.kind === 'invalid' && step === 'afterAttributeCollection') {
    const body: UserFlowValidationError = {
      version: API_VERSION,
      status: 400,
      action: 'ValidationError',
      userMessage: decision.userMessage,
      code: decision.code,
      requestId: ctx.requestId,
    };
    return jsonResponse(400, body);
  }
  if (decision.kind === 'block' && step !== 'beforeToken') {
    const body: UserFlowBlockPage = {
      version: API_VERSION,
      action: 'ShowBlockPage',
      userMessage: decision.userMessage,
      code: decision.code,
      requestId: ctx.requestId,
    };
    return jsonResponse(200, body);
  }
  ctx.warn(
    `A ${decision.kind === 'invalid' ? 'ValidationError' : 'ShowBlockPage'} (${decision.code}) is not allowed at step ${stepLabel(step)}; answered Continue.`,
  );
  return userFlowContinue({}, ctx);
}

/** Any error of a user-flow call: its 4xx status, as a ValidationError. */
export function userFlowError(
  error: ApiError,
  userMessage: string,
  requestId: string,
): HttpResponseInit {
  const body: UserFlowValidationError = {
    version: API_VERSION,
    status: error.status,
    action: 'ValidationError',
    userMessage,
    code: error.code,
    requestId,
    developerMessage: error.developerMessage,
  };
  return jsonResponse(error.status, body);
}
