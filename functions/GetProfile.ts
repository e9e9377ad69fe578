/**
 * GetProfile: orchestration step (and the UserInfo journey). The balance of the user
 * `objectId`; an unknown user is registered once with STARTING_BALANCE.
 * Custom policy: 200 {"balance": "760.50"}; user flow: Continue with extension_balance.
 * When storage is unavailable the sign-in goes on: 200 without balance (the policy's
 * DefaultValue applies).
 */
import { app, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import { missingClaim } from '../shared/contract/errors';
import { httpFunction, type Call, type Deps } from '../shared/http/pipeline';
import { balanceOf } from '../shared/loyalty/rules';
import { getRuntime } from '../shared/runtime';

/**
 * Storage could not answer in time. By default the sign-in goes on without balance (the
 * policy's DefaultValue applies); with GETPROFILE_FAIL_CLOSED=true a custom policy gets a 409.
 */
function degraded(deps: Deps, call: Call): HttpResponseInit {
  if (!deps.config.getProfileFailClosed) return call.answer({ kind: 'continue', claims: {} });
  return call.answer({
    kind: 'invalid',
    code: 'Unavailable',
    userMessage: call.message('profileUnavailable'),
  });
}

export function makeGetProfile(deps: Deps): HttpHandler {
  return httpFunction(
    deps,
    async (call) => {
      const { objectId } = call.input;
      if (objectId === undefined) {
        if (call.dialect === 'customPolicy') return call.fail(missingClaim('objectId'));
        call.track('noObjectId');
        return call.answer({ kind: 'continue', claims: {} });
      }
      const verdict = await balanceOf(deps.repository, objectId, deps.config.startingBalance);
      call.track(verdict.outcome);
      return call.answer({ kind: 'continue', claims: { balance: verdict.balance } });
    },
    (call) => degraded(deps, call),
  );
}

const runtime = getRuntime();
app.http('GetProfile', {
  methods: ['GET', 'POST'],
  authLevel: runtime.config.functionsAuthLevel,
  handler: makeGetProfile(runtime),
});
