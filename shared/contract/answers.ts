/**
 * The two dialects: a neutral decision (or an ApiError) in, the exact wire answer out.
 *
 * Custom policy (RESTful technical profile): 200 + flat claims; a rejection is HTTP 409
 * `{version, status: 409, userMessage}`.
 * User flow (API connector): 200 Continue with claims, 200 ShowBlockPage, or HTTP 400
 * ValidationError; ValidationError only at PostAttributeCollection, ShowBlockPage only at
 * PostFederationSignup and PostAttributeCollection, and only Continue at PreTokenIssuance.
 */
import type { HttpResponseInit } from '@azure/functions';
import { entraAnswer, type EntraContext } from './entra';
import { jsonResponse } from './json';
import type { ApiError } from './errors';
import type { Dialect, UserFlowStep } from './requests';
import type {
  Claims,
  CustomPolicyError,
  UserFlowBlockPage,
  UserFlowContinue,
  UserFlowValidationError,
} from './responses';
import { API_VERSION } from './version';

/** Claims the functions return, by their neutral (custom policy) names. */
export type OutputClaims = Partial<Record<'promoCode' | 'loyaltyId' | 'balance', string>>;

export type Decision =
  | { readonly kind: 'continue'; readonly claims: OutputClaims }
  /** The user can correct what they entered. */
  | { readonly kind: 'invalid'; readonly code: string; readonly userMessage: string }
  /** The user cannot go on. */
  | { readonly kind: 'block'; readonly code: string; readonly userMessage: string };

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

function definedClaims(claims: OutputClaims, rename: (name: string) => string): Claims {
  const out: Claims = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === 'string') out[rename(name)] = value;
  }
  return out;
}

export function userFlowClaimName(name: string, extensionsAppId: string | undefined): string {
  return extensionsAppId === undefined
    ? `extension_${name}`
    : `extension_${extensionsAppId}_${name}`;
}

function userFlowContinue(claims: OutputClaims, ctx: AnswerContext): HttpResponseInit {
  const body: UserFlowContinue = {
    version: API_VERSION,
    action: 'Continue',
    ...definedClaims(claims, (name) => userFlowClaimName(name, ctx.extensionsAppId)),
  };
  return jsonResponse(200, body);
}

export function answer(decision: Decision, ctx: AnswerContext): HttpResponseInit {
  if (ctx.dialect === 'entra' && ctx.entra !== undefined)
    return entraAnswer(decision, ctx.entra, ctx.warn);
  if (ctx.dialect === 'customPolicy') {
    if (decision.kind === 'continue')
      return jsonResponse(
        200,
        definedClaims(decision.claims, (n) => n),
      );
    const body: CustomPolicyError = {
      version: API_VERSION,
      status: 409,
      userMessage: decision.userMessage,
      code: decision.code,
      requestId: ctx.requestId,
    };
    return jsonResponse(409, body);
  }

  const step = ctx.step ?? 'PostAttributeCollection';
  if (decision.kind === 'continue') return userFlowContinue(decision.claims, ctx);
  if (decision.kind === 'invalid' && step === 'PostAttributeCollection') {
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
  if (decision.kind === 'block' && step !== 'PreTokenIssuance') {
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
    `A ${decision.kind === 'invalid' ? 'ValidationError' : 'ShowBlockPage'} (${decision.code}) is not allowed at step ${step}; answered Continue.`,
  );
  return userFlowContinue({}, ctx);
}

/** The one mapper from error to HTTP answer, in the caller's dialect. */
export function errorAnswer(
  error: ApiError,
  userMessage: string,
  dialect: Dialect,
  requestId: string,
): HttpResponseInit {
  const common = {
    version: API_VERSION,
    status: error.status,
    userMessage,
    code: error.code,
    requestId,
    developerMessage: error.developerMessage,
  };
  if (dialect === 'userFlow' && error.status < 500) {
    const body: UserFlowValidationError = { ...common, action: 'ValidationError' };
    return jsonResponse(error.status, body);
  }
  const body: CustomPolicyError = common;
  return jsonResponse(error.status, body);
}
