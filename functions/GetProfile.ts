/**
 * GetProfile: orchestration step (and the UserInfo journey). The balance of the user
 * `objectId`; an unknown user is registered once with STARTING_BALANCE.
 * Custom policy: 200 {"balance": "760.50"}; user flow: Continue with extension_balance.
 * When storage is unavailable the sign-in goes on: 200 without balance (the policy's
 * DefaultValue applies).
 */
import { app, type HttpHandler } from '@azure/functions';
import { missingClaim } from '../shared/contract/errors';
import { describeError, httpFunction, type Deps } from '../shared/http/pipeline';
import { balanceOf } from '../shared/loyalty/rules';
import { getRuntime } from '../shared/runtime';
import { StorageUnavailableError } from '../shared/storage/repository';

export function makeGetProfile(deps: Deps): HttpHandler {
  return httpFunction(deps, async (call) => {
    const { objectId } = call.input;
    if (objectId === undefined) {
      if (call.dialect === 'customPolicy') return call.fail(missingClaim('objectId'));
      call.track('noObjectId');
      return call.answer({ kind: 'continue', claims: {} });
    }
    try {
      const verdict = await balanceOf(deps.repository, objectId, deps.config.startingBalance);
      call.track(verdict.outcome);
      return call.answer({ kind: 'continue', claims: { balance: verdict.balance } });
    } catch (error) {
      if (!(error instanceof StorageUnavailableError)) throw error;
      call.warn(`storage unavailable, answering without balance: ${describeError(error)}`);
      call.track('unavailable');
      return call.answer({ kind: 'continue', claims: {} });
    }
  });
}

const runtime = getRuntime();
app.http('GetProfile', {
  methods: ['GET', 'POST'],
  authLevel: runtime.config.functionsAuthLevel,
  handler: makeGetProfile(runtime),
});
