/**
 * The Entra External ID dialect (custom authentication extensions): a body that says it is an
 * authentication event. Reading the events: event.ts; answers: answer.ts. Errors have the API's
 * own error body; Entra waits 1 s by default, so its calls get ENTRA_REQUEST_BUDGET_MS.
 */
import { errorBody } from '../../contract/errorBody';
import { badRequest } from '../../contract/errors';
import type { DialectAdapter } from '../dialect';
import { entraAnswer } from './answer';
import { readEntraEvent, saysEntraEvent, type EntraContext } from './event';

export const entra: DialectAdapter<EntraContext> = {
  name: 'entra',
  sendsDeclaredClaims: false,
  carriesAddress: true,
  budget: { setting: 'ENTRA_REQUEST_BUDGET_MS', ms: (config) => config.entra.requestBudgetMs },
  // A refused body is not judged as an event (a user flow's `step` in it picks that shape).
  answersRefusals: false,
  recognises: saysEntraEvent,
  read: (raw, config) => {
    const event = readEntraEvent(raw, {
      loyaltyId: config.entra.loyaltyIdAttribute,
      promoCode: config.entra.promoCodeAttribute,
      extensionsAppId: config.extensionsAppId,
      trustUserMail: config.entra.trustUserMail,
    });
    if (event.kind === 'notEntra') {
      return { ok: false, error: badRequest('InvalidRequest', 'The body is not an Entra event.') };
    }
    if (event.kind === 'invalid')
      return { ok: false, error: badRequest(event.code, event.problem) };
    const warning = event.untrustedEmail
      ? 'the Entra event names an email only in user.mail or an attribute, not in a sign-in identity: read as no email (ENTRA_TRUST_USER_MAIL=true trusts it)'
      : undefined;
    return { ok: true, value: { claims: event.claims, context: event.context, warning } };
  },
  step: (_input, context) => ({ ok: true, value: context.step }),
  answer: (decision, ctx) => entraAnswer(decision, ctx.context, ctx.warn),
  error: errorBody,
};
