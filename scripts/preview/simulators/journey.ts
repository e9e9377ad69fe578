/**
 * Walks a UserJourney's orchestration steps (preconditions ClaimsExist / ClaimEquals,
 * self-asserted pages with their Required output claims and their validation technical
 * profiles, SendClaims), calling its RESTful technical profiles over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { resolveClaimResolvers, type B2cContext } from './claimResolvers';
import type { Claims, ClaimRef, OrchestrationStep } from './policyTypes';
import { isRestful, isSelfAsserted, type PolicySet } from './policyXml';
import { callRestProfile, type RestOutcome } from './restCall';
import type { RestCallOptions } from './restRequest';

export interface JourneyOptions extends RestCallOptions {
  /** The relying party policy (e.g. B2C_1A_signup_signin). */
  readonly relyingParty: string;
  /** A journey other than the relying party's default, e.g. the UserInfo endpoint's. */
  readonly endpoint?: string;
  /** Claims already in the bag. */
  readonly claims?: Claims;
  /** What the user enters on a self-asserted page, by technical profile. */
  readonly userInput?: Readonly<Record<string, Claims>>;
  /**
   * What a technical profile that is not in our files produces (the starter pack's base), or
   * what it adds after its validation technical profiles succeeded (e.g. objectId once the
   * account is written).
   */
  readonly stubs?: Readonly<Record<string, Claims>>;
  /** Step order → the ClaimsExchange Id the user picked, or 'none' (e.g. the sign-up link). */
  readonly choose?: Readonly<Record<number, string>>;
}

export interface JourneyCall {
  readonly step: number;
  readonly technicalProfile: string;
  readonly outcome: RestOutcome;
}

export type JourneyOutcome =
  | {
      readonly kind: 'token';
      readonly issuer: string;
      /** What the relying party receives (the token's claims, or the UserInfo answer). */
      readonly claims: Claims;
      readonly bag: Claims;
      readonly calls: readonly JourneyCall[];
    }
  | {
      /** The user stays on the page and reads userMessage. */
      readonly kind: 'pageError';
      readonly step: number;
      readonly technicalProfile: string;
      readonly userMessage: string;
      readonly calls: readonly JourneyCall[];
    }
  | {
      /** The journey ends: B2C sends the error to the application. */
      readonly kind: 'errorToApplication';
      readonly step: number;
      readonly technicalProfile: string;
      readonly userMessage: string;
      readonly calls: readonly JourneyCall[];
    };

function skips(step: OrchestrationStep, bag: Claims): boolean {
  return step.preconditions.some((p) => {
    const [claim = '', expected] = p.values;
    const holds =
      p.type === 'ClaimsExist'
        ? bag[claim] !== undefined && bag[claim] !== ''
        : bag[claim] !== undefined && bag[claim] === expected;
    return holds === p.executeActionsIf && p.action === 'SkipThisOrchestrationStep';
  });
}

function issue(outputClaims: readonly ClaimRef[], bag: Claims, context: B2cContext): Claims {
  const claims: Claims = {};
  for (const oc of outputClaims) {
    let value = bag[oc.claimTypeReferenceId];
    if (
      oc.defaultValue !== undefined &&
      (oc.alwaysUseDefaultValue || value === undefined || value === '')
    ) {
      value = resolveClaimResolvers(oc.defaultValue, context, bag);
    }
    if (value !== undefined && value !== '')
      claims[oc.partnerClaimType ?? oc.claimTypeReferenceId] = value;
  }
  return claims;
}

/** Walks a user journey of the policy set, calling its RESTful technical profiles over HTTP. */
export async function runJourney(
  policies: PolicySet,
  options: JourneyOptions,
): Promise<JourneyOutcome> {
  const rp = policies.relyingParty(options.relyingParty);
  const journeyId =
    options.endpoint === undefined ? rp.defaultUserJourney : rp.endpoints.get(options.endpoint);
  if (journeyId === undefined)
    throw new Error(`${options.relyingParty} has no endpoint ${options.endpoint ?? ''}`);
  const journey = policies.journey(journeyId);
  const context: B2cContext = {
    correlationId: randomUUID(),
    policyId: options.relyingParty,
    ...options.context,
  };
  const restOptions: RestCallOptions = { ...options, context };
  const bag: Claims = { ...options.claims };
  const calls: JourneyCall[] = [];
  const stub = (id: string): Claims | undefined => options.stubs?.[id];

  for (const id of journey.authorizationTechnicalProfiles) {
    const claims = stub(id);
    if (claims === undefined) throw new Error(`stub the authorization technical profile ${id}`);
    Object.assign(bag, claims);
  }

  for (const step of journey.steps) {
    if (skips(step, bag)) continue;
    if (step.type === 'SendClaims') {
      const issuer = step.cpimIssuerTechnicalProfileReferenceId ?? 'JwtIssuer';
      const issuerProfile = policies.technicalProfile(issuer);
      const claims =
        issuerProfile?.outputTokenFormat === 'JSON'
          ? issue(issuerProfile.inputClaims, bag, context)
          : issue(rp.outputClaims, bag, context);
      return { kind: 'token', issuer, claims, bag, calls };
    }
    const chosen = options.choose?.[step.order];
    if (chosen === 'none') continue;
    const exchange =
      chosen === undefined
        ? step.claimsExchanges[0]
        : step.claimsExchanges.find((e) => e.id === chosen);
    if (exchange === undefined) {
      if (chosen !== undefined) throw new Error(`step ${step.order} has no exchange ${chosen}`);
      continue; // a selection step without an exchange of its own
    }
    const tpId = exchange.technicalProfileReferenceId;
    const tp = policies.technicalProfile(tpId);

    if (tp !== undefined && isRestful(tp)) {
      const outcome = await callRestProfile(tp, bag, policies, restOptions);
      calls.push({ step: step.order, technicalProfile: tpId, outcome });
      if (outcome.kind !== 'claims') {
        return {
          kind: 'errorToApplication',
          step: step.order,
          technicalProfile: tpId,
          userMessage: outcome.kind === 'pageError' ? outcome.userMessage : outcome.shownToUser,
          calls,
        };
      }
      Object.assign(bag, outcome.claims);
      continue;
    }

    const input = options.userInput?.[tpId];
    if (
      tp !== undefined &&
      (isSelfAsserted(tp) || tp.validationTechnicalProfiles.length > 0 || input)
    ) {
      Object.assign(bag, input);
      const missing = tp.outputClaims.find(
        (c) => c.required && (bag[c.claimTypeReferenceId] ?? '') === '',
      );
      if (missing !== undefined) {
        // the page does not submit: no validation technical profile runs
        return {
          kind: 'pageError',
          step: step.order,
          technicalProfile: tpId,
          userMessage: `${missing.claimTypeReferenceId}: This information is required.`,
          calls,
        };
      }
      for (const vtpId of tp.validationTechnicalProfiles) {
        const vtp = policies.technicalProfile(vtpId);
        if (vtp === undefined || !isRestful(vtp)) {
          Object.assign(bag, stub(vtpId));
          continue;
        }
        const outcome = await callRestProfile(vtp, bag, policies, restOptions);
        calls.push({ step: step.order, technicalProfile: vtpId, outcome });
        if (outcome.kind !== 'claims') {
          return {
            kind: 'pageError',
            step: step.order,
            technicalProfile: vtpId,
            userMessage: outcome.kind === 'pageError' ? outcome.userMessage : outcome.shownToUser,
            calls,
          };
        }
        Object.assign(bag, outcome.claims);
      }
      Object.assign(bag, stub(tpId));
      continue;
    }

    const produced = stub(tpId);
    if (produced === undefined) {
      throw new Error(
        `step ${step.order}: stub the technical profile ${tpId} (not in our policy files)`,
      );
    }
    Object.assign(bag, produced);
  }
  throw new Error(`journey ${journeyId} ended without a SendClaims step`);
}
