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

/**
 * How to answer in one dialect, at one step, in one language: what a degraded answer needs, and
 * the base of a Call. A class, so a request builds fields, not a dozen closures.
 */
export class ScopedAnswer implements AnswerScope {
  constructor(
    protected readonly deps: Deps,
    readonly context: InvocationContext,
    readonly dialect: Dialect,
    readonly step: UserFlowStep | undefined,
    readonly language: Language,
    readonly entra: EntraContext | undefined = undefined,
  ) {}

  message(key: MessageKey, values?: Readonly<Record<string, string>>): string {
    return message(this.language, key, values);
  }

  answer(decision: Decision): HttpResponseInit {
    return answer(decision, {
      dialect: this.dialect,
      step: this.step,
      requestId: this.context.invocationId,
      extensionsAppId: this.deps.config.extensionsAppId,
      warn: (text) => this.context.warn(tag(this.context, text)),
      entra: this.entra,
    });
  }
}

/** The answer scope of a call whose claims are not (or not yet) known. */
export function answerScope(
  deps: Deps,
  context: InvocationContext,
  dialect: Dialect,
  step: UserFlowStep | undefined,
  language: Language,
): AnswerScope {
  return new ScopedAnswer(deps, context, dialect, step, language);
}

class ParsedCall extends ScopedAnswer implements Call {
  readonly functionName: string;
  readonly requestId: string;

  constructor(
    deps: Deps,
    context: InvocationContext,
    dialect: Dialect,
    step: UserFlowStep | undefined,
    language: Language,
    entra: EntraContext | undefined,
    readonly input: ClaimsInput,
    readonly deadline: Deadline,
    private readonly reject: (
      error: ApiError,
      dialect: Dialect,
      language?: Language,
    ) => HttpResponseInit,
  ) {
    super(deps, context, dialect, step, language, entra);
    this.functionName = context.functionName;
    this.requestId = context.invocationId;
  }

  fail(error: ApiError): HttpResponseInit {
    return this.reject(error, this.dialect, this.language);
  }

  warn(text: string): void {
    this.context.warn(tag(this.context, text));
  }

  userRef(email: string): TelemetryProperties {
    if (!this.deps.telemetry.enabled) return {};
    const key = this.deps.config.telemetryHashKey;
    return {
      emailDomain: emailDomain(email),
      userHash:
        key === undefined
          ? undefined
          : createHmac('sha256', key).update(normalizeEmail(email)).digest('hex').slice(0, 32),
    };
  }

  track(outcome: string, extra: TelemetryProperties = {}): void {
    if (!this.deps.telemetry.enabled) return;
    this.deps.telemetry.trackEvent(this.functionName, {
      function: this.functionName,
      invocationId: this.requestId,
      dialect: this.dialect,
      step: this.step,
      outcome,
      language: this.language,
      correlationId: guidOrNothing(this.input.correlationId),
      clientId: guidOrNothing(this.input.client_id),
      ...extra,
    });
  }
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
    trustUserMail: deps.config.entra.trustUserMail,
  });
  if (entraEvent.kind === 'invalid') {
    return failWith(badRequest(entraEvent.code, entraEvent.problem), 'entra');
  }
  const entra = entraEvent.kind === 'event' ? entraEvent.context : undefined;
  if (entraEvent.kind === 'event' && entraEvent.untrustedEmail) {
    context.warn(
      tag(
        context,
        'the Entra event names an email only in user.mail or an attribute, not in a sign-in identity: read as no email (ENTRA_TRUST_USER_MAIL=true trusts it)',
      ),
    );
  }
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

  const call = new ParsedCall(
    deps,
    context,
    dialect,
    step,
    choice.language,
    entra,
    input,
    deadline,
    reject,
  );
  return { ok: true, value: call };
}
