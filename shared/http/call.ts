/**
 * A call as a function body sees it: the claims under their canonical names, the dialect and
 * step, the language, the request's deadline, and how to answer, log and record in the caller's
 * dialect. `parseCall` builds it from the request, or answers the 4xx that says why it cannot.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { createHmac } from 'node:crypto';
import { answer, errorAnswer } from '../contract/answers';
import type { Decision } from '../contract/decision';
import { readEntraEvent, type EntraContext } from '../contract/entraEvent';
import { ApiError, badRequest, missingClaim } from '../contract/errors';
import {
  canonicalClaims,
  type ClaimName,
  dialectOf,
  parseStep,
  readClaims,
  type ClaimsInput,
  type Dialect,
  type UserFlowStep,
} from '../contract/requests';
import type { Deps } from '../deps';
import { chooseLanguage, CLAIM_RESOLVER_NAME } from '../i18n/language';
import { message, type Language, type MessageKey } from '../i18n/messages';
import { emailDomain, normalizeEmail } from '../loyalty/email';
import type { TelemetryProperties } from '../telemetry/telemetry';
import type { Deadline } from './deadline';

/** How to answer in the caller's dialect: all a degraded answer needs. */
export interface AnswerScope {
  readonly dialect: Dialect;
  /** Set for user-flow and Entra calls (an Entra event maps onto the user-flow step). */
  readonly step: UserFlowStep | undefined;
  readonly language: Language;
  message(key: MessageKey, values?: Readonly<Record<string, string>>): string;
  answer(decision: Decision): HttpResponseInit;
}

export interface Call extends AnswerScope {
  readonly functionName: string;
  readonly input: ClaimsInput;
  /** Set for Entra calls. */
  readonly entra: EntraContext | undefined;
  readonly requestId: string;
  readonly context: InvocationContext;
  /** The request's deadline: pass `deadline.signal` to every I/O call. */
  readonly deadline: Deadline;
  fail(error: ApiError): HttpResponseInit;
  /** A warning in the log, tagged with the invocation id. */
  warn(text: string): void;
  /** One custom event per decision, with the call's dimensions. */
  track(outcome: string, extra?: TelemetryProperties): void;
  /** How telemetry may name the user: the email's domain and, with TELEMETRY_HASH_KEY, a keyed hash. */
  userRef(email: string): TelemetryProperties;
}

export type CallParse =
  | { readonly ok: true; readonly value: Call }
  | { readonly ok: false; readonly response: HttpResponseInit };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * B2C's correlation id and client id are GUIDs; anything else a caller puts there could be
 * personal data, so it is never recorded.
 */
function guidOrNothing(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return GUID.test(value.trim()) ? value.trim().toLowerCase() : '(not a GUID)';
}

/** A log line's prefix: the function and the invocation id. */
export function tag(context: InvocationContext, text: string): string {
  return `${context.functionName} [${context.invocationId}] ${text}`;
}

/** The answer scope of a call whose claims are not (or not yet) known. */
export function answerScope(
  deps: Deps,
  context: InvocationContext,
  dialect: Dialect,
  step: UserFlowStep | undefined,
  language: Language,
  entra?: EntraContext,
): AnswerScope {
  return {
    dialect,
    step,
    language,
    message: (key, values) => message(language, key, values),
    answer: (decision) =>
      answer(decision, {
        dialect,
        step,
        requestId: context.invocationId,
        extensionsAppId: deps.config.extensionsAppId,
        warn: (text) => context.warn(tag(context, text)),
        entra,
      }),
  };
}

export async function parseCall(
  request: HttpRequest,
  context: InvocationContext,
  deps: Deps,
  deadline: Deadline,
  required: Partial<Record<Dialect, readonly ClaimName[]>> = {},
): Promise<CallParse> {
  const requestId = context.invocationId;
  const acceptLanguage = request.headers.get('accept-language');
  const reject = (error: ApiError, dialect: Dialect, language?: Language): HttpResponseInit => {
    const lang =
      language ?? chooseLanguage({ acceptLanguage }, deps.config.defaultLanguage).language;
    context.warn(
      tag(context, `rejected (${error.status} ${error.code}): ${error.developerMessage}`),
    );
    return errorAnswer(error, message(lang, error.userMessageKey), dialect, requestId);
  };
  const failWith = (error: ApiError, dialect: Dialect, language?: Language): CallParse => ({
    ok: false,
    response: reject(error, dialect, language),
  });

  const raw = await readClaims(request);
  if (!raw.ok) return failWith(raw.error, 'customPolicy');
  const entraEvent = readEntraEvent(raw.value, {
    loyaltyId: deps.config.entra.loyaltyIdAttribute,
    promoCode: deps.config.entra.promoCodeAttribute,
    extensionsAppId: deps.config.extensionsAppId,
  });
  if (entraEvent.kind === 'invalid') {
    return failWith(badRequest(entraEvent.code, entraEvent.problem), 'entra');
  }
  const entra = entraEvent.kind === 'event' ? entraEvent.context : undefined;
  const dialect: Dialect = entra !== undefined ? 'entra' : dialectOf(raw.value);
  // Entra waits 1 s by default (2 s at most): its budget, counted from the arrival.
  if (dialect === 'entra') deadline.tighten(deps.config.entra.requestBudgetMs);
  const claims = canonicalClaims(entraEvent.kind === 'event' ? entraEvent.claims : raw.value);
  if (!claims.ok) return failWith(claims.error, dialect);
  const input = claims.value;

  const choice = chooseLanguage(
    { lang: input.lang, uiLocales: input.ui_locales, acceptLanguage },
    deps.config.defaultLanguage,
  );
  if (choice.unresolvedResolver !== undefined) {
    const named = CLAIM_RESOLVER_NAME.test(choice.unresolvedResolver)
      ? `the literal text ${choice.unresolvedResolver}`
      : 'an unresolved claim resolver';
    context.warn(
      tag(
        context,
        `the lang claim arrived as ${named}: the technical profile lacks ` +
          `<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>. Answering in '${choice.language}'.`,
      ),
    );
  }

  let step: UserFlowStep | undefined = entra?.step;
  if (dialect === 'userFlow') {
    const parsed = parseStep(input.step);
    if (!parsed.ok) return failWith(parsed.error, dialect, choice.language);
    step = parsed.value;
  }
  const missing = required[dialect]?.find((name) => input[name] === undefined);
  if (missing !== undefined) return failWith(missingClaim(missing), dialect, choice.language);

  const call: Call = {
    ...answerScope(deps, context, dialect, step, choice.language, entra),
    functionName: context.functionName,
    input,
    entra,
    requestId,
    context,
    deadline,
    fail: (error) => reject(error, dialect, choice.language),
    warn: (text) => context.warn(tag(context, text)),
    userRef: (email) => ({
      emailDomain: emailDomain(email),
      userHash:
        deps.config.telemetryHashKey === undefined
          ? undefined
          : createHmac('sha256', deps.config.telemetryHashKey)
              .update(normalizeEmail(email))
              .digest('hex')
              .slice(0, 32),
    }),
    track: (outcome, extra = {}) =>
      deps.telemetry.trackEvent(context.functionName, {
        function: context.functionName,
        dialect,
        step,
        outcome,
        language: choice.language,
        correlationId: guidOrNothing(input.correlationId),
        clientId: guidOrNothing(input.client_id),
        ...extra,
      }),
  };
  return { ok: true, value: call };
}
