/**
 * The one place that picks the dialect: a neutral decision (or an ApiError) in, the exact wire
 * answer of the caller's dialect out, through its adapter.
 */
import type { HttpResponseInit } from '@azure/functions';
import { customPolicyAnswer, customPolicyError } from './customPolicy';
import type { Decision } from './decision';
import { entraAnswer } from './entra';
import type { EntraContext } from './entraEvent';
import type { ApiError } from './errors';
import type { Dialect, UserFlowStep } from './requests';
import { userFlowAnswer, userFlowError } from './userFlow';

export interface AnswerContext {
  readonly dialect: Dialect;
  readonly step?: UserFlowStep | undefined;
  readonly requestId: string;
  /** b2c-extensions-app id without hyphens: user-flow claims are named extension_<id>_name. */
  readonly extensionsAppId?: string | undefined;
  /** Told when a decision cannot be expressed at this step (a policy misconfiguration). */
  readonly warn: (message: string) => void;
  /** For the Entra dialect: the event and the request's attribute names. */
  readonly entra?: EntraContext | undefined;
}

export function answer(decision: Decision, ctx: AnswerContext): HttpResponseInit {
  if (ctx.dialect === 'entra' && ctx.entra !== undefined) {
    return entraAnswer(decision, ctx.entra, ctx.warn);
  }
  if (ctx.dialect === 'customPolicy') return customPolicyAnswer(decision, ctx.requestId);
  return userFlowAnswer(decision, {
    step: ctx.step,
    requestId: ctx.requestId,
    extensionsAppId: ctx.extensionsAppId,
    warn: ctx.warn,
  });
}

/**
 * The one mapper from error to HTTP answer, in the caller's dialect: user flows get a
 * ValidationError, everyone else (custom policies, Entra) the custom-policy error shape.
 */
export function errorAnswer(
  error: ApiError,
  userMessage: string,
  dialect: Dialect,
  requestId: string,
): HttpResponseInit {
  if (dialect === 'userFlow' && error.status < 500) {
    return userFlowError(error, userMessage, requestId);
  }
  return customPolicyError(error, userMessage, requestId);
}
