/**
 * What one caller dialect is, for the pipeline: it recognises its requests, reads them into the
 * neutral call (claims under the names the functions read, and the journey step), and writes the
 * neutral decision, or an error, back in its own shape. One folder per dialect implements it;
 * registry.ts lists them in the order they are recognised. (After Hono's adapters: one module
 * per event shape, turning it into the neutral request and the neutral result back.)
 */
import type { HttpResponseInit } from '@azure/functions';
import type { Config } from '../config';
import type { Decision } from '../contract/decision';
import type { ApiError } from '../contract/errors';
import type { ClaimsInput, Parsed, RawClaims } from '../contract/requests';
import type { JourneyStep } from '../loyalty/journey';

/** A request read by its dialect: the claims to validate, and what its answer will need. */
export interface DialectReading<C> {
  /** The claims, keyed as canonicalClaims (contract/requests.ts) picks them. */
  readonly claims: RawClaims;
  /** What answering this request needs (Entra: the event and the request's attribute keys). */
  readonly context: C;
  /** A warning about the request, for the log (it never holds a claim value). */
  readonly warning?: string | undefined;
}

/** What an answer needs besides the decision. */
export interface AnswerContext<C> {
  /** The call's step, when it has one. */
  readonly step: JourneyStep | undefined;
  /** What the dialect read from the request (DialectReading.context). */
  readonly context: C;
  readonly requestId: string;
  /** b2c-extensions-app id without hyphens: claims may be named extension_<id>_name. */
  readonly extensionsAppId: string | undefined;
  /** Told when a decision cannot be expressed at this step (a policy misconfiguration). */
  readonly warn: (text: string) => void;
}

export interface DialectAdapter<C = unknown> {
  /** Its name in telemetry (`dialect`): stable. */
  readonly name: string;
  /**
   * Whether the caller sends the claims it declared (a custom policy's InputClaims): then a
   * claim a function requires is a 400 MissingClaim when absent, before any decision.
   */
  readonly sendsDeclaredClaims: boolean;
  /** Whether the `ipAddress` claim is the user's address as the identity service saw it. */
  readonly carriesAddress: boolean;
  /** A tighter budget than REQUEST_BUDGET_MS, and the setting that names it in the log. */
  readonly budget?: { readonly setting: string; ms(config: Config): number } | undefined;
  /**
   * False when a refused caller (a 401) is not judged by this dialect even if its body reads as
   * one: the next dialect that recognises the body answers the refusal (true when absent).
   */
  readonly answersRefusals?: boolean | undefined;
  /** Whether these raw claims are this dialect's request (asked in the registry's order). */
  recognises(raw: RawClaims): boolean;
  /** The recognised request read, or the 4xx that says why it cannot be (never echoing text). */
  read(raw: RawClaims, config: Config): Parsed<DialectReading<C>>;
  /** The journey step of the call, from its canonical claims and its reading context. */
  step(input: ClaimsInput, context: C): Parsed<JourneyStep | undefined>;
  /** The neutral decision in this dialect's wire shape. */
  answer(decision: Decision, ctx: AnswerContext<C>): HttpResponseInit;
  /** An error (a 4xx for the caller's mistake, or a 5xx) in this dialect's wire shape. */
  error(error: ApiError, userMessage: string, requestId: string): HttpResponseInit;
}
