/**
 * EnrichToken: the user-flow "Before sending the token" connector (step PreTokenIssuance, also
 * spelled PreTokenApplicationClaims). Always Continue, with what it can read: the balance (by
 * objectId, registering a new user as GetProfile does) and, for an email with an active
 * membership, the loyalty ID and promo code. Never another action; never `email`.
 * A custom-policy call gets the same claims flat: balance, loyaltyId, promoCode.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { OutputClaims } from '../shared/contract/answers';
import { describeError, httpFunction, type Call, type Deps } from '../shared/http/pipeline';
import { balanceOf, membershipOf } from '../shared/loyalty/rules';
import { getRuntime } from '../shared/runtime';
import { StorageUnavailableError } from '../shared/storage/repository';

/** One lookup's claims, or none when storage could not answer (the token goes out without them). */
async function orNothing(
  call: Call,
  what: string,
  lookup: () => Promise<OutputClaims>,
  missed: string[],
): Promise<OutputClaims> {
  try {
    return await lookup();
  } catch (error) {
    if (!(error instanceof StorageUnavailableError)) throw error;
    call.warn(`storage unavailable, token issued without ${what}: ${describeError(error)}`);
    missed.push(what);
    return {};
  }
}

export function makeEnrichToken(deps: Deps): HttpHandler {
  return httpFunction(
    deps,
    async (call) => {
      const { objectId, email } = call.input;
      if (call.step !== undefined && call.step !== 'PreTokenIssuance') {
        call.warn(
          `called at ${call.step}: EnrichToken belongs to "Before sending the token" (PreTokenIssuance).`,
        );
      }
      const missed: string[] = [];
      const [balance, membership] = await Promise.all([
        objectId === undefined
          ? {}
          : orNothing(
              call,
              'balance',
              async () => {
                const verdict = await balanceOf(
                  deps.repository,
                  objectId,
                  deps.config.startingBalance,
                );
                return { balance: verdict.balance };
              },
              missed,
            ),
        email === undefined
          ? {}
          : orNothing(
              call,
              'membership',
              async () => {
                const verdict = await membershipOf(deps.repository, email);
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
    (call) => call.answer({ kind: 'continue', claims: {} }),
  );
}

const runtime = getRuntime();
app.http('EnrichToken', {
  methods: ['GET', 'POST'],
  authLevel: runtime.config.functionsAuthLevel,
  handler: makeEnrichToken(runtime),
});
