/**
 * What every HTTP function does around its own rule: read the claims, tell the dialect and the
 * step, choose the language, and map any error to a contract-shaped answer. A function body only
 * decides.
 */
import type {
  HttpHandler,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';
import { createHmac } from 'node:crypto';
import type { Authenticator } from '../auth/authenticate';
import { emailDomain, normalizeEmail } from '../loyalty/email';
import type { AttemptStore } from '../storage/attempts';
import type { Config } from '../config';
import { answer, errorAnswer, type Decision } from '../contract/answers';
import { readEntraEvent, type EntraContext } from '../contract/entra';
import { ApiError, badRequest, internalError } from '../contract/errors';
import {
  canonicalClaims,
  dialectOf,
  parseStep,
  readClaims,
  type ClaimsInput,
  type Dialect,
  type UserFlowStep,
} from '../contract/requests';
import { chooseLanguage } from '../i18n/language';
import { message, type Language, type MessageKey } from '../i18n/messages';
import { StorageUnavailableError, type LoyaltyRepository } from '../storage/repository';
import type { Telemetry, TelemetryProperties } from '../telemetry/telemetry';

/** What a function is built from (injected: tests pass in-memory or Azurite-backed parts). */
export interface Deps {
  readonly config: Config;
  /** Checks the caller before anything else is read (API_AUTH). */
  readonly authenticator: Authenticator;
  readonly repository: LoyaltyRepository;
  /** Failed loyalty-ID validations per email (the guessing throttle). */
  readonly attempts: AttemptStore;
  readonly telemetry: Telemetry;
  readonly clock: () => Date;
}

export interface Call {
  readonly functionName: string;
  readonly input: ClaimsInput;
  readonly dialect: Dialect;
  /** Set for user-flow and Entra calls (an Entra event maps onto the user-flow step). */
  readonly step: UserFlowStep | undefined;
  /** Set for Entra calls. */
  readonly entra: EntraContext | undefined;
  readonly language: Language;
  readonly requestId: string;
  readonly context: InvocationContext;
  message(key: MessageKey, values?: Readonly<Record<string, string>>): string;
  answer(decision: Decision): HttpResponseInit;
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

function tag(context: InvocationContext, text: string): string {
  return `${context.functionName} [${context.invocationId}] ${text}`;
}

/** A log-safe description of an error: its kind, never claim values or connection strings. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    return `${error.name}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${error.message}`;
  }
  return typeof error;
}

export async function parseCall(
  request: HttpRequest,
  context: InvocationContext,
  deps: Deps,
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
  if (entraEvent.kind === 'unknownEvent') {
    return failWith(
      badRequest(
        'UnknownStep',
        'The Entra event is not one this API answers: OnTokenIssuanceStart, OnAttributeCollectionStart, OnAttributeCollectionSubmit.',
      ),
      'entra',
    );
  }
  const entra = entraEvent.kind === 'event' ? entraEvent.context : undefined;
  const dialect: Dialect = entra !== undefined ? 'entra' : dialectOf(raw.value);
  const claims = canonicalClaims(entraEvent.kind === 'event' ? entraEvent.claims : raw.value);
  if (!claims.ok) return failWith(claims.error, dialect);
  const input = claims.value;

  const choice = chooseLanguage(
    { lang: input.lang, uiLocales: input.ui_locales, acceptLanguage },
    deps.config.defaultLanguage,
  );
  if (choice.unresolvedResolver !== undefined) {
    context.warn(
      tag(
        context,
        `the lang claim arrived as the literal text ${choice.unresolvedResolver}: the technical profile lacks ` +
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

  const call: Call = {
    functionName: context.functionName,
    input,
    dialect,
    step,
    entra,
    language: choice.language,
    requestId,
    context,
    message: (key, values) => message(choice.language, key, values),
    answer: (decision) =>
      answer(decision, {
        dialect,
        step,
        requestId,
        extensionsAppId: deps.config.extensionsAppId,
        warn: (text) => context.warn(tag(context, text)),
        entra,
      }),
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

/**
 * 401 with a generic body and the configured schemes' challenges; the precise reason goes to
 * the log only (it never holds the secret).
 */
function refuseCaller(
  reasons: readonly string[],
  challenges: readonly string[],
  request: HttpRequest,
  context: InvocationContext,
  deps: Deps,
): HttpResponseInit {
  context.warn(tag(context, `caller refused: ${reasons.join('; ')}`));
  deps.telemetry.trackEvent('CallerRefused', {
    function: context.functionName,
    reasons: reasons.join('; '),
  });
  const error = new ApiError('Unauthorized', 401, 'The caller could not be authenticated.');
  const language = chooseLanguage(
    { acceptLanguage: request.headers.get('accept-language') },
    deps.config.defaultLanguage,
  ).language;
  const response = errorAnswer(
    error,
    message(language, error.userMessageKey),
    'customPolicy',
    context.invocationId,
  );
  if (challenges.length > 0) {
    response.headers = {
      ...(response.headers as Record<string, string>),
      'www-authenticate': challenges.join(', '),
    };
  }
  return response;
}

export const BUDGET_SPENT = Symbol('budget spent');

/** Entra waits 1 s by default (2 s at most); B2C 5 s (user flows) or 10 s (custom policies). */
function budgetMs(deps: Deps, call: Call): number {
  return call.dialect === 'entra' ? deps.config.entra.requestBudgetMs : deps.config.requestBudgetMs;
}

/** The work's result, or BUDGET_SPENT when it has not settled within `ms`. */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof BUDGET_SPENT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof BUDGET_SPENT>((resolve) => {
    timer = setTimeout(() => resolve(BUDGET_SPENT), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An HTTP function: parse, then the function's own body, within REQUEST_BUDGET_MS. When
 * storage is unavailable, or the body has not answered by then, the function's degraded answer
 * goes out instead (B2C gives up at 5 s in user flows, 10 s in custom policies), logged as a
 * warning with the invocation id and counted as the outcome `unavailable`. Anything thrown becomes a generic,
 * contract-shaped 500 and a logged exception with the invocation id; never a stack trace.
 */
export function httpFunction(
  deps: Deps,
  body: (call: Call) => Promise<HttpResponseInit>,
  degraded: (call: Call) => HttpResponseInit,
): HttpHandler {
  const handle = async (
    request: HttpRequest,
    context: InvocationContext,
    seen: { dialect: Dialect; step?: UserFlowStep | undefined },
  ): Promise<HttpResponseInit> => {
    let language = deps.config.defaultLanguage;
    try {
      const caller = await deps.authenticator.authenticate(request);
      if (!caller.ok) {
        return refuseCaller(caller.reasons, caller.challenges, request, context, deps);
      }
      const parsed = await parseCall(request, context, deps);
      if (!parsed.ok) return parsed.response;
      const call = parsed.value;
      seen.dialect = call.dialect;
      seen.step = call.step;
      language = call.language;
      const work = body(call);
      let answer: HttpResponseInit | typeof BUDGET_SPENT;
      try {
        answer = await within(work, budgetMs(deps, call));
      } catch (error) {
        if (!(error instanceof StorageUnavailableError)) throw error;
        call.warn(`storage unavailable (${describeError(error)}): degraded answer`);
        call.track('unavailable', { reason: 'storage' });
        return degraded(call);
      }
      if (answer !== BUDGET_SPENT) return answer;
      work.catch(() => undefined); // it finishes (or times out) in the background
      call.warn(
        `no answer within ${call.dialect === 'entra' ? 'ENTRA_REQUEST_BUDGET_MS' : 'REQUEST_BUDGET_MS'} (${budgetMs(deps, call)} ms): degraded answer`,
      );
      call.track('unavailable', { reason: 'budget' });
      return degraded(call);
    } catch (error) {
      context.error(tag(context, `failed: ${describeError(error)}`));
      deps.telemetry.trackException(error, {
        function: context.functionName,
        invocationId: context.invocationId,
      });
      const failure = error instanceof ApiError ? error : internalError();
      return errorAnswer(
        failure,
        message(language, failure.userMessageKey),
        seen.dialect,
        context.invocationId,
      );
    }
  };

  return async (request, context) => {
    const started = performance.now();
    const seen: { dialect: Dialect; step?: UserFlowStep | undefined } = { dialect: 'customPolicy' };
    const response = await handle(request, context, seen);
    const status = response.status ?? 200;
    const url = new URL(request.url);
    deps.telemetry.trackRequest({
      name: `${request.method} ${url.pathname}`,
      method: request.method,
      url: `${url.origin}${url.pathname}`, // never the query: it may carry claims or ?code=
      durationMs: performance.now() - started,
      resultCode: status,
      success: status < 500,
      properties: {
        function: context.functionName,
        invocationId: context.invocationId,
        dialect: seen.dialect,
        step: seen.step,
      },
    });
    return response;
  };
}
