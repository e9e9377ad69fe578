/**
 * PruneAttempts: every hour, removes the guessing throttle's rows whose window has passed, so
 * FAILED_VALIDATIONS_TABLE_NAME holds only the open windows. A timer function: Azure runs it on
 * one instance at a time. `npm run loyalty -- prune-attempts` does the same by hand.
 */
import type { InvocationContext, TimerHandler } from '@azure/functions';
import type { Deps } from '../shared/deps';
import { registerTimerFunction } from '../shared/app';

/** Minute 17 of every hour (NCRONTAB, with seconds). */
export const PRUNE_SCHEDULE = '0 17 * * * *';

export function makePruneAttempts(deps: Deps): TimerHandler {
  return async (_timer: unknown, context: InvocationContext) => {
    const before = new Date(deps.clock().getTime() - deps.config.failedValidationWindowMs);
    const removed = await deps.attempts.prune(before);
    context.log(
      `PruneAttempts [${context.invocationId}] removed ${removed} throttle rows whose window had passed`,
    );
  };
}

registerTimerFunction('PruneAttempts', PRUNE_SCHEDULE, makePruneAttempts);
