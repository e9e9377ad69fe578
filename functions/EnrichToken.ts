/**
 * EnrichToken: the step before the token (a user flow's "Before sending the token" connector,
 * Entra's OnTokenIssuanceStart). Always Continue, with what it can read: the balance (by
 * objectId, registering a new user as GetProfile does) and, for an email with an active
 * membership, the loyalty ID and promo code. Never another action; never `email`.
 * A custom-policy call gets the same claims flat: balance, loyaltyId, promoCode.
 */
import type { HttpHandler } from '@azure/functions';
import type { OutputClaims } from '../shared/contract/decision';
import type { Deps } from '../shared/deps';
import { describeError } from '../shared/describeError';
import { httpFunction, reportException, type Call } from '../shared/http/pipeline';
import { registerHttpFunction } from '../shared/app';
import { stepLabel } from '../shared/loyalty/journey';
import { balanceOf, membershipOf } from '../shared/loyalty/rules';
import { StorageUnavailableError } from '../shared/loyalty/ports';

/**
 * One lookup's claims, or none when it could not be read (the token goes out without them):
 * storage unavailable is a warning, anything else (a corrupt row) one logged exception.
 */
async function orNothing(
  call: Call,
  deps: Deps,
  what: string,
  lookup: () => Promise<OutputClaims>,
  missed: string[],
): Promise<OutputClaims> {
  try {
    return await lookup();
  } catch (error) {
    if (call.deadline.expired) throw error; // the pipeline answers for the spent budget
    missed.push(what);
    if (error instanceof StorageUnavailableError) {
      call.warn(`storage unavailable, token issued without ${what}: ${describeError(error)}`);
    } else {
      reportException(deps, call.context, error, `token issued without ${what}`);
    }
    return {};
  }
}

export function makeEnrichToken(deps: Deps): HttpHandler {
  return httpFunction(deps, {
    decide: async (call) => {
      const { objectId, email } = call.input;
      const options = { signal: call.deadline.signal };
      if (call.step !== undefined && call.step !== 'beforeToken') {
        call.warn(
          `called at ${stepLabel(call.step)}: EnrichToken belongs to "Before sending the token" (PreTokenIssuance).`,
        );
      }
      const missed: string[] = [];
      const [balance, membership] = await Promise.all([
        objectId === undefined
          ? {}
          : orNothing(
              call,
              deps,
              'balance',
              async () => {
                const verdict = await balanceOf(
                  deps.repository,
                  objectId,
                  deps.config.startingBalance,
                  options,
                );
                return { balance: verdict.balance };
              },
              missed,
            ),
        email === undefined
          ? {}
          : orNothing(
              call,
              deps,
              'membership',
              async () => {
                const verdict = await membershipOf(deps.repository, email, options);
                return verdict.outcome === 'member'
                  ? { loyaltyId: verdict.loyaltyId, promoCode: verdict.promoCode }
                  : {};
              },
              missed,
            ),
      ]);
      const claims: OutputClaims = { ...balance, ...membership };
      call.track(missed.length > 0 ? 'unavailable' : 'claims', {
        claims: Object.keys(claims).sort().join(',') || '(none)',
        ...(missed.length > 0 ? { unavailable: missed.join(',') } : {}),
        ...(email === undefined ? {} : call.userRef(email)),
      });
      return call.answer({ kind: 'continue', claims });
    },
    degraded: (scope) => scope.answer({ kind: 'continue', claims: {} }),
  });
}

registerHttpFunction('EnrichToken', ['GET', 'POST'], makeEnrichToken);
