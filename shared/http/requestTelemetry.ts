/** The last link of the chain: one telemetry request per call, its URL without the query. */
import type { HttpRequest, InvocationContext } from '@azure/functions';
import { stepLabel, type JourneyStep } from '../loyalty/journey';
import type { Telemetry } from '../telemetry/telemetry';

export function trackRequest(
  telemetry: Telemetry,
  request: HttpRequest,
  context: InvocationContext,
  outcome: {
    readonly status: number;
    readonly startedAt: number;
    /** The dialect's name. */
    readonly dialect: string;
    readonly step: JourneyStep | undefined;
  },
): void {
  if (!telemetry.enabled) return;
  const url = new URL(request.url);
  telemetry.trackRequest({
    name: `${request.method} ${url.pathname}`,
    method: request.method,
    url: `${url.origin}${url.pathname}`, // never the query: it may carry claims or ?code=
    durationMs: performance.now() - outcome.startedAt,
    resultCode: outcome.status,
    success: outcome.status < 500,
    properties: {
      function: context.functionName,
      invocationId: context.invocationId,
      dialect: outcome.dialect,
      step: stepLabel(outcome.step),
    },
  });
}
