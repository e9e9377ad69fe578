/**
 * A call as a function body sees it: the claims under their canonical names, the journey step,
 * the language, the request's deadline, and how to answer, log and record in the caller's
 * dialect. `parseCall` builds it from the request, or answers the 4xx that says why it cannot.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { createHmac } from 'node:crypto';
import type { Decision } from '../contract/decision';
import { ApiError, missingClaim } from '../contract/errors';
import {
  canonicalClaims,
  readClaims,
  type ClaimName,
  type ClaimsInput,
} from '../contract/requests';
import { DIALECTS, type DialectAdapter, type DialectRegistry } from '../dialects/registry';
import type { Deps } from '../deps';
import { chooseLanguage, CLAIM_RESOLVER_NAME } from '../i18n/language';
import { message, type Language, type MessageKey } from '../i18n/messages';
import { emailDomain, normalizeEmail } from '../loyalty/email';
import { stepLabel, type JourneyStep } from '../loyalty/journey';
import type { TelemetryProperties } from '../telemetry/telemetry';
import type { Deadline } from './deadline';

/** How to answer in the caller's dialect: all a degraded answer needs. */
export interface AnswerScope {
  /** The caller's dialect (shared/dialects/): how the call was read and is answered. */
  readonly dialect: DialectAdapter;
  /** The step of the journey the call is made at; undefined for a direct call. */
  readonly step: JourneyStep | undefined;
  readonly language: Language;
  message(key: MessageKey, values?: Readonly<Record<string, string>>): string;
  answer(decision: Decision): HttpResponseInit;
}

export interface Call extends AnswerScope {
  readonly functionName: string;
  readonly input: ClaimsInput;
  /** The user's IP address, when the dialect carries it (an `ipAddress` claim of its own). */
  readonly address: string | undefined;
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
    readonly dialect: DialectAdapter,
    readonly step: JourneyStep | undefined,
    readonly language: Language,
    /** What the dialect read from the request, for its answer. */
    protected readonly dialectContext: unknown = undefined,
  ) {}

  message(key: MessageKey, values?: Readonly<Record<string, string>>): string {
    return message(this.language, key, values);
  }

  answer(decision: Decision): HttpResponseInit {
    return this.dialect.answer(decision, {
      step: this.step,
      context: this.dialectContext,
      requestId: this.context.invocationId,
      extensionsAppId: this.deps.config.extensionsAppId,
      warn: (text) => this.context.warn(tag(this.context, text)),
    });
  }
}

/** The dialects of these deps: the registry's unless a test gives its own. */
export function dialectsOf(deps: Deps): DialectRegistry {
  return deps.dialects ?? DIALECTS;
}

/** The answer scope of a call not (or not yet) read: the fallback dialect's, without a step. */
export function answerScope(deps: Deps, context: InvocationContext): AnswerScope {
  return new ScopedAnswer(
    deps,
    context,
    dialectsOf(deps).fallback,
    undefined,
    deps.config.defaultLanguage,
  );
}

class ParsedCall extends ScopedAnswer implements Call {
  readonly functionName: string;
  readonly requestId: string;
  readonly address: string | undefined;

  constructor(
    deps: Deps,
    context: InvocationContext,
    dialect: DialectAdapter,
    step: JourneyStep | undefined,
    language: Language,
    dialectContext: unknown,
    readonly input: ClaimsInput,
    readonly deadline: Deadline,
    private readonly reject: (
      error: ApiError,
      dialect: DialectAdapter,
      language?: Language,
    ) => HttpResponseInit,
  ) {
    super(deps, context, dialect, step, language, dialectContext);
    this.functionName = context.functionName;
    this.requestId = context.invocationId;
    this.address = dialect.carriesAddress ? input.ipAddress : undefined;
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
      dialect: this.dialect.name,
      step: stepLabel(this.step),
      outcome,
      language: this.language,
      correlationId: guidOrNothing(this.input.correlationId),
      clientId: guidOrNothing(this.input.client_id),
      ...extra,
    });
  }
}

/**
 * `required`: claims without which a call from a dialect that sends the claims it declares (a
 * custom policy's) is a 400 MissingClaim, before any decision.
 */
export async function parseCall(
  request: HttpRequest,
  context: InvocationContext,
  deps: Deps,
  deadline: Deadline,
  required: readonly ClaimName[] = [],
): Promise<CallParse> {
  const requestId = context.invocationId;
  const acceptLanguage = request.headers.get('accept-language');
  const dialects = dialectsOf(deps);
  const reject = (
    error: ApiError,
    dialect: DialectAdapter,
    language?: Language,
  ): HttpResponseInit => {
    const lang =
      language ?? chooseLanguage({ acceptLanguage }, deps.config.defaultLanguage).language;
    context.warn(
      tag(context, `rejected (${error.status} ${error.code}): ${error.developerMessage}`),
    );
    return dialect.error(error, message(lang, error.userMessageKey), requestId);
  };
  const failWith = (error: ApiError, dialect: DialectAdapter, language?: Language): CallParse => ({
    ok: false,
    response: reject(error, dialect, language),
  });

  const raw = await readClaims(request);
  if (!raw.ok) return failWith(raw.error, dialects.fallback);
  const dialect = dialects.recognise(raw.value);
  const reading = dialect.read(raw.value, deps.config);
  if (!reading.ok) return failWith(reading.error, dialect);
  if (reading.value.warning !== undefined) context.warn(tag(context, reading.value.warning));
  // A dialect's own budget (Entra waits 1 s by default, 2 s at most), counted from the arrival.
  if (dialect.budget !== undefined) deadline.tighten(dialect.budget.ms(deps.config));
  const claims = canonicalClaims(reading.value.claims);
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

  const step = dialect.step(input, reading.value.context);
  if (!step.ok) return failWith(step.error, dialect, choice.language);
  const missing = dialect.sendsDeclaredClaims
    ? required.find((name) => input[name] === undefined)
    : undefined;
  if (missing !== undefined) return failWith(missingClaim(missing), dialect, choice.language);

  const call = new ParsedCall(
    deps,
    context,
    dialect,
    step.value,
    choice.language,
    reading.value.context,
    input,
    deadline,
    reject,
  );
  return { ok: true, value: call };
}
