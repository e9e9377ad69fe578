/**
 * What every HTTP function does around its own rule, as a short chain: the deadline (created on
 * arrival) → the caller check → parsing the call → the function's decision → its answer →
 * telemetry. A function body only decides. Whatever goes wrong, the answer is contract-shaped:
 * a 4xx for bad input, and for anything else the function's degraded answer in the caller's
 * dialect (never a 5xx, a stack trace or HTML).
 */
import type {
  HttpHandler,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';
import { errorAnswer } from '../contract/answers';
import { ApiError } from '../contract/errors';
import type { Dialect, UserFlowStep } from '../contract/requests';
import type { Deps } from '../deps';
import { describeError } from '../describeError';
import { chooseLanguage } from '../i18n/language';
import { message } from '../i18n/messages';
import { StorageCorruptError, StorageUnavailableError } from '../loyalty/ports';
import { answerScope, parseCall, tag, type AnswerScope, type Call } from './call';
import { Deadline, DeadlineExceeded } from './deadline';

export type { AnswerScope, Call } from './call';

/** A function's own part: its decision, and its answer when storage (or anything) fails. */
export interface FunctionSpec {
  readonly decide: (call: Call) => Promise<HttpResponseInit>;
  /** What the caller gets when the decision cannot be made: never a 5xx. */
  readonly degraded: (scope: AnswerScope) => HttpResponseInit;
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

function budgetSetting(dialect: Dialect): string {
  return dialect === 'entra' ? 'ENTRA_REQUEST_BUDGET_MS' : 'REQUEST_BUDGET_MS';
}

/**
 * Anything that kept the decision from being made, mapped once: the deadline or a storage
 * failure is a warning and the outcome `unavailable`; anything else (a row that does not parse,
 * a bug) is one logged exception with the invocation id, and the same degraded answer.
 */
function failure(
  error: unknown,
  deps: Deps,
  spec: FunctionSpec,
  scope: AnswerScope,
  call: Call | undefined,
  context: InvocationContext,
  deadline: Deadline,
): HttpResponseInit {
  if (error instanceof ApiError && call !== undefined) return call.fail(error);
  const track = (reason: string): void => {
    if (call !== undefined) call.track('unavailable', { reason });
    else {
      deps.telemetry.trackEvent(context.functionName, {
        function: context.functionName,
        dialect: scope.dialect,
        outcome: 'unavailable',
        reason,
      });
    }
  };
  const budgetSpent =
    error instanceof DeadlineExceeded ||
    (deadline.expired && error instanceof StorageUnavailableError);
  if (budgetSpent) {
    context.warn(
      tag(
        context,
        `no answer within ${budgetSetting(scope.dialect)} (${deadline.budgetMs} ms): degraded answer`,
      ),
    );
    track('budget');
  } else if (error instanceof StorageUnavailableError) {
    context.warn(tag(context, `storage unavailable (${describeError(error)}): degraded answer`));
    track('storage');
  } else {
    reportException(deps, context, error, 'degraded answer');
    track('error');
  }
  return spec.degraded(scope);
}

/**
 * An error that is neither the caller's nor storage's unavailability (a corrupt row, a bug):
 * logged once as an error with the invocation id, and sent as an exception, with the table and
 * key hash of a corrupt row (never its keys or values).
 */
export function reportException(
  deps: Deps,
  context: InvocationContext,
  error: unknown,
  outcome: string,
): void {
  context.error(tag(context, `failed: ${describeError(error)}; ${outcome}`));
  deps.telemetry.trackException(error, {
    function: context.functionName,
    invocationId: context.invocationId,
    ...(error instanceof StorageCorruptError ? { table: error.table, keyHash: error.keyHash } : {}),
  });
}

/** An HTTP function: the chain above around `spec.decide`. */
export function httpFunction(deps: Deps, spec: FunctionSpec): HttpHandler {
  const handle = async (
    request: HttpRequest,
    context: InvocationContext,
    deadline: Deadline,
    seen: { dialect: Dialect; step?: UserFlowStep | undefined },
  ): Promise<HttpResponseInit> => {
    let scope = answerScope(deps, context, 'customPolicy', undefined, deps.config.defaultLanguage);
    let call: Call | undefined;
    try {
      const caller = await deps.authenticator.authenticate(request, deadline.signal);
      if (!caller.ok) {
        return refuseCaller(caller.reasons, caller.challenges, request, context, deps);
      }
      // Only Entra's authentication events service passes the entra check.
      if (caller.mode === 'entra') deadline.tighten(deps.config.entra.requestBudgetMs);
      const parsed = await parseCall(request, context, deps, deadline);
      if (!parsed.ok) return parsed.response;
      call = parsed.value;
      scope = call;
      seen.dialect = call.dialect;
      seen.step = call.step;
      return await deadline.race(spec.decide(call));
    } catch (error) {
      return failure(error, deps, spec, scope, call, context, deadline);
    }
  };

  return async (request, context) => {
    const started = performance.now();
    const deadline = new Deadline(deps.config.requestBudgetMs);
    const seen: { dialect: Dialect; step?: UserFlowStep | undefined } = { dialect: 'customPolicy' };
    let response: HttpResponseInit;
    try {
      response = await handle(request, context, deadline, seen);
    } finally {
      deadline.settle(); // whatever is still running for this request is cancelled
    }
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
