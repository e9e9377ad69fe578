/**
 * The one mapper from "the decision could not be made" to an answer: the deadline or a storage
 * failure is a warning and the outcome `unavailable`; anything else (a row that does not parse,
 * a bug) is one logged exception with the invocation id, and the same degraded answer. An
 * ApiError is the caller's mistake: its 4xx.
 */
import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { ApiError } from '../contract/errors';
import type { Deps } from '../deps';
import { describeError } from '../describeError';
import { StorageCorruptError, StorageUnavailableError } from '../loyalty/ports';
import { tag, type AnswerScope, type Call } from './call';
import { DeadlineExceeded, type Deadline } from './deadline';

function budgetSetting(scope: AnswerScope): string {
  return scope.dialect.budget?.setting ?? 'REQUEST_BUDGET_MS';
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

export interface FailureScope {
  readonly deps: Deps;
  readonly context: InvocationContext;
  readonly deadline: Deadline;
  /** How to answer: the call's, or the default one when the failure came before it was parsed. */
  readonly scope: AnswerScope;
  readonly call: Call | undefined;
  readonly degraded: (scope: AnswerScope) => HttpResponseInit;
}

export function answerFailure(error: unknown, at: FailureScope): HttpResponseInit {
  const { deps, context, deadline, scope, call } = at;
  if (error instanceof ApiError && call !== undefined) return call.fail(error);
  const track = (reason: string): void => {
    if (call !== undefined) call.track('unavailable', { reason });
    else {
      deps.telemetry.trackEvent(context.functionName, {
        function: context.functionName,
        invocationId: context.invocationId,
        dialect: scope.dialect.name,
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
        `no answer within ${budgetSetting(scope)} (${deadline.budgetMs} ms): degraded answer`,
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
  return at.degraded(scope);
}
