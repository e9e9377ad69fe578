/**
 * What every HTTP function does around its own rule, as a short chain of small units: the
 * deadline (created on arrival, deadline.ts) → the caller check (callerCheck.ts) → parsing the
 * call, required claims included (call.ts) → the function's decision → its answer, or the
 * degraded one (failure.ts) → telemetry (requestTelemetry.ts). A function body only decides;
 * whatever goes wrong, the answer is contract-shaped: a 4xx for bad input, and for anything else
 * the function's degraded answer in the caller's dialect (never a 5xx, a stack trace or HTML).
 */
import type {
  HttpHandler,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';
import type { ClaimName } from '../contract/requests';
import type { Deps } from '../deps';
import { answerScope, parseCall, type AnswerScope, type Call } from './call';
import { checkCaller } from './callerCheck';
import { Deadline } from './deadline';
import { answerFailure } from './failure';
import { trackRequest } from './requestTelemetry';

export type { AnswerScope, Call } from './call';
export { reportException } from './failure';

/** A function's own part: what it needs, its decision, and its answer when that fails. */
export interface FunctionSpec {
  /**
   * Claims without which a call from a dialect that sends the claims it declares (a custom
   * policy's InputClaims) is a 400 (MissingClaim), before any decision.
   */
  readonly required?: readonly ClaimName[];
  readonly decide: (call: Call) => Promise<HttpResponseInit>;
  /** What the caller gets when the decision cannot be made: never a 5xx. */
  readonly degraded: (scope: AnswerScope) => HttpResponseInit;
}

export function httpFunction(deps: Deps, spec: FunctionSpec): HttpHandler {
  const handle = async (
    request: HttpRequest,
    context: InvocationContext,
    deadline: Deadline,
  ): Promise<{ response: HttpResponseInit; scope: AnswerScope }> => {
    let scope = answerScope(deps, context);
    let call: Call | undefined;
    try {
      const refused = await checkCaller(request, context, deps, deadline);
      if (refused !== undefined) return { response: refused, scope };
      const parsed = await parseCall(request, context, deps, deadline, spec.required);
      if (!parsed.ok) return { response: parsed.response, scope };
      call = parsed.value;
      scope = call;
      return { response: await deadline.race(spec.decide(call)), scope };
    } catch (error) {
      const at = { deps, context, deadline, scope, call, degraded: spec.degraded };
      return { response: answerFailure(error, at), scope };
    }
  };

  return async (request, context) => {
    const startedAt = performance.now();
    const deadline = new Deadline(deps.config.requestBudgetMs);
    const { response, scope } = await handle(request, context, deadline).finally(
      () => deadline.settle(), // whatever is still running for this request is cancelled
    );
    trackRequest(deps.telemetry, request, context, {
      status: response.status ?? 200,
      startedAt,
      dialect: scope.dialect.name,
      step: scope.step,
    });
    return response;
  };
}
