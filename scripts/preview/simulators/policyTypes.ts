/**
 * Plays Azure AD B2C's part for the tests and the local preview (/preview): reads custom-policy XML (the shipped templates in
 * policies/ and their renderings) and runs its RESTful technical profiles the way B2C's
 * RestfulProvider does, against a real HTTP endpoint.
 *
 * What it models, from Microsoft's documents (../shared/reference, and the RESTful technical
 * profile reference):
 * - SendClaimsIn: Body = POST JSON, Form = POST urlencoded, QueryString = GET with the claims in
 *   the query string, Header = GET with one header per claim;
 * - InputClaim: PartnerClaimType renames; DefaultValue applies when the claim has no value, or
 *   always with AlwaysUseDefaultValue; claim resolvers ({Culture:LCID}, {Context:CorrelationId},
 *   …) are resolved only when the profile sets IncludeClaimResolvingInClaimsHandling to true, and
 *   are sent as literal text otherwise; a claim with no value is not sent;
 * - AuthenticationType: None needs AllowInsecureAuthInProduction; the other types send their
 *   credentials only when the test supplies them (the local host does not check them);
 * - the answer: 200 → the output claims, read by PartnerClaimType from a flat JSON object (a
 *   claim that is absent takes its DefaultValue, or stays unset); 409 with a userMessage → an error
 *   shown on the page; anything else → a technical failure, shown to the user as the profile's
 *   DefaultUserMessageIfRequestFailed, or B2C's own text (which names the ServiceUrl).
 *
 * On top of that, a small journey runner walks a UserJourney's orchestration steps
 * (preconditions ClaimsExist / ClaimEquals, self-asserted pages with their Required output claims
 * and their validation technical profiles, SendClaims with the relying party's output claims or a JSON issuer such as the
 * UserInfo endpoint's). Technical profiles of the starter pack's base policy are not in our files:
 * the test says what they produce (stubs).
 */
//
// This file: what a policy file holds, as the simulator reads it (policyXml.ts reads it,
// restRequest.ts and restCall.ts run one RESTful technical profile, journey.ts a user journey).

export type Claims = Record<string, string>;

export interface ClaimRef {
  readonly claimTypeReferenceId: string;
  readonly partnerClaimType?: string;
  readonly defaultValue?: string;
  readonly alwaysUseDefaultValue: boolean;
  /** On a self-asserted page: the user cannot submit without a value. */
  readonly required: boolean;
}

export interface TechnicalProfile {
  readonly id: string;
  readonly file: string;
  readonly protocol?: { readonly name: string; readonly handler?: string };
  readonly metadata: ReadonlyMap<string, string>;
  readonly cryptographicKeys: readonly {
    readonly id: string;
    readonly storageReferenceId: string;
  }[];
  readonly outputTokenFormat?: string;
  readonly inputClaims: readonly ClaimRef[];
  readonly outputClaims: readonly ClaimRef[];
  readonly validationTechnicalProfiles: readonly string[];
}

export interface Precondition {
  readonly type: 'ClaimsExist' | 'ClaimEquals';
  readonly executeActionsIf: boolean;
  readonly values: readonly string[];
  readonly action: string;
}

export interface OrchestrationStep {
  readonly order: number;
  readonly type: string;
  readonly cpimIssuerTechnicalProfileReferenceId?: string;
  readonly preconditions: readonly Precondition[];
  readonly claimsExchanges: readonly {
    readonly id: string;
    readonly technicalProfileReferenceId: string;
  }[];
}

export interface UserJourney {
  readonly id: string;
  readonly file: string;
  readonly authorizationTechnicalProfiles: readonly string[];
  readonly steps: readonly OrchestrationStep[];
}

export interface RelyingParty {
  readonly policyId: string;
  readonly defaultUserJourney: string;
  readonly endpoints: ReadonlyMap<string, string>;
  readonly outputClaims: readonly ClaimRef[];
}

export interface PolicyDocument {
  readonly name: string;
  readonly policyId: string;
  readonly tenantId: string;
  readonly basePolicyId?: string;
  readonly claimTypes: ReadonlyMap<string, { readonly dataType: string }>;
  readonly technicalProfiles: readonly TechnicalProfile[];
  readonly userJourneys: readonly UserJourney[];
  readonly relyingParty?: RelyingParty;
}
