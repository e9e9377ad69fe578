/**
 * The Entra dialect's answers: a decision at an event, in Entra's format, with the documented
 * spelling of every type (reading the events: event.ts).
 */
import type { HttpResponseInit } from '@azure/functions';
import { definedClaims, type Decision } from '../../contract/decision';
import type { EntraContext } from './event';
import { jsonResponse } from '../../contract/json';

/** Entra's limit on the claims one provider returns: keys and values together. */
export const ENTRA_CLAIMS_LIMIT_BYTES = 3 * 1024;

type Json = Record<string, unknown>;

export type EntraAction = Json & { '@odata.type': string };

export interface EntraResponse {
  data: { '@odata.type': string; actions: EntraAction[] };
}

function respond(responseType: string, action: EntraAction): HttpResponseInit {
  const body: EntraResponse = { data: { '@odata.type': responseType, actions: [action] } };
  return jsonResponse(200, body);
}

/** Claims within Entra's 3 KB: when over, the largest are left out (and the caller told). */
export function withinClaimsLimit(
  claims: Record<string, string>,
  warn: (text: string) => void,
): Record<string, string> {
  const size = (c: Record<string, string>) =>
    Buffer.byteLength(Object.entries(c).flat().join(''), 'utf8');
  const kept = { ...claims };
  while (size(kept) > ENTRA_CLAIMS_LIMIT_BYTES) {
    const largest = Object.entries(kept).sort((a, b) => b[1].length - a[1].length)[0];
    if (largest === undefined) break;
    delete kept[largest[0]];
    warn(`the claim ${largest[0]} was left out: the claims exceed Entra's 3 KB limit`);
  }
  return kept;
}

/** The Entra answer for a decision at this event. */
export function entraAnswer(
  decision: Decision,
  context: EntraContext,
  warn: (text: string) => void,
): HttpResponseInit {
  switch (context.event) {
    case 'tokenIssuanceStart': {
      if (decision.kind !== 'continue')
        warn(
          `a ${decision.kind} decision cannot be expressed at OnTokenIssuanceStart; token issued without claims`,
        );
      const claims =
        decision.kind === 'continue' ? withinClaimsLimit(definedClaims(decision.claims), warn) : {};
      return respond('microsoft.graph.onTokenIssuanceStartResponseData', {
        '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken',
        claims,
      });
    }
    case 'attributeCollectionStart': {
      const type = 'microsoft.graph.onAttributeCollectionStartResponseData';
      if (decision.kind === 'block') {
        return respond(type, {
          '@odata.type': 'microsoft.graph.attributeCollectionStart.showBlockPage',
          message: decision.userMessage,
        });
      }
      const loyaltyId = decision.kind === 'continue' ? decision.claims.loyaltyId : undefined;
      if (loyaltyId !== undefined) {
        return respond(type, {
          '@odata.type': 'microsoft.graph.attributeCollectionStart.setPrefillValues',
          inputs: { [context.loyaltyIdKey]: loyaltyId },
        });
      }
      return respond(type, {
        '@odata.type': 'microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior',
      });
    }
    case 'attributeCollectionSubmit': {
      const type = 'microsoft.graph.onAttributeCollectionSubmitResponseData';
      if (decision.kind === 'block') {
        return respond(type, {
          '@odata.type': 'microsoft.graph.attributeCollectionSubmit.showBlockPage',
          message: decision.userMessage,
        });
      }
      if (decision.kind === 'invalid') {
        return respond(type, {
          '@odata.type': 'microsoft.graph.attributeCollectionSubmit.showValidationError',
          message: decision.userMessage,
          attributeErrors: { [context.loyaltyIdKey]: decision.userMessage },
        });
      }
      const promoCode = decision.claims.promoCode;
      if (promoCode !== undefined) {
        return respond(type, {
          '@odata.type': 'microsoft.graph.attributeCollectionSubmit.modifyAttributeValues',
          attributes: { [context.promoCodeKey]: promoCode },
        });
      }
      return respond(type, {
        '@odata.type': 'microsoft.graph.attributeCollectionSubmit.continueWithDefaultBehavior',
      });
    }
  }
}
