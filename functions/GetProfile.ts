/**
 * GetProfile: orchestration step (and the UserInfo journey). The balance of the user
 * `objectId`; an unknown user is registered once with STARTING_BALANCE.
 * Custom policy: 200 {"balance": "760.50"}; user flow: Continue with extension_balance.
 * When storage is unavailable the sign-in goes on: 200 without balance (the policy's
 * DefaultValue applies).
 */
import type { HttpHandler, HttpResponseInit } from '@azure/functions';
import type { Deps } from '../shared/deps';
import { httpFunction, type AnswerScope } from '../shared/http/pipeline';
import { registerHttpFunction } from '../shared/app';
import { balanceOf } from '../shared/loyalty/rules';

/**
 * Storage could not answer in time. By default the sign-in goes on without balance (the
 * policy's DefaultValue applies); with GETPROFILE_FAIL_CLOSED=true a custom policy gets a 409.
 */
function degraded(deps: Deps, scope: AnswerScope): HttpResponseInit {
  if (!deps.config.getProfileFailClosed) return scope.answer({ kind: 'continue', claims: {} });
  return scope.answer({
    kind: 'invalid',
    code: 'Unavailable',
    userMessage: scope.message('profileUnavailable'),
  });
}

export function makeGetProfile(deps: Deps): HttpHandler {
  return httpFunction(deps, {
    // A direct call (a custom policy's) is for a signed-in user; a journey step may not know one yet.
    required: ['objectId'],
    decide: async (call) => {
      const { objectId } = call.input;
      if (objectId === undefined) {
        call.track('noObjectId');
        return call.answer({ kind: 'continue', claims: {} });
      }
      const verdict = await balanceOf(deps.repository, objectId, deps.config.startingBalance, {
        signal: call.deadline.signal,
      });
      call.track(verdict.outcome);
      return call.answer({ kind: 'continue', claims: { balance: verdict.balance } });
    },
    degraded: (scope) => degraded(deps, scope),
  });
}

registerHttpFunction('GetProfile', ['GET', 'POST'], makeGetProfile);
