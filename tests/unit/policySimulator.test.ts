/**
 * The shipped policy's wiring, and the B2C simulator's reading of it: the requests B2C builds
 * from the RESTful technical profiles (how it reads answers: policySimulatorAnswers.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { canonicalClaims } from '../../shared/contract/requests';
import { DIALECTS } from '../../shared/dialects/registry';
import {
  buildRestRequest,
  configurationProblem,
  PolicySet,
  type TechnicalProfile,
} from '../../scripts/preview/simulators/b2c';
import { render, shippedPolicies, withoutMetadataItem } from '../support/policyKit';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const shipped = new PolicySet(shippedPolicies());
const validate = shipped.restProfile('REST-ValidateProfile');
const getProfile = shipped.restProfile('REST-GetProfile');
const DAVID = { email: 'david@contoso.com', loyaltyId: '5678' };

function rendered(sendClaimsIn: 'Body' | 'Form' | 'QueryString' | 'Header'): PolicySet {
  return new PolicySet(
    render({ baseUrl: 'https://contoso-b2c.azurewebsites.net', auth: 'apikey', sendClaimsIn }),
  );
}

describe('the shipped policy', () => {
  it('declares the claims it exchanges with the API as strings', () => {
    for (const id of ['loyaltyId', 'promoCode', 'balance', 'userLanguage', 'correlationId']) {
      const declared = shipped.documents.find((d) => d.claimTypes.has(id))?.claimTypes.get(id);
      expect(declared, id).toEqual({ dataType: 'string' });
    }
  });

  it('validates the local and the social sign-up page with REST-ValidateProfile, which sets promoCode', () => {
    for (const id of ['LocalAccountSignUpWithLogonEmail', 'SelfAsserted-Social']) {
      const page = shipped.technicalProfile(id);
      expect(page?.validationTechnicalProfiles[0], id).toBe('REST-ValidateProfile');
      expect(page?.outputClaims.map((c) => c.claimTypeReferenceId)).toEqual(
        expect.arrayContaining(['email', 'loyaltyId', 'promoCode']),
      );
    }
    expect(validate.outputClaims.map((c) => c.claimTypeReferenceId)).toEqual(['promoCode']);
  });

  it('calls REST-GetProfile right before the token in SignUpOrSignIn, ProfileEdit and PasswordReset, when there is an objectId', () => {
    for (const id of ['SignUpOrSignIn', 'ProfileEdit', 'PasswordReset']) {
      const steps = shipped.journey(id).steps;
      const last = steps[steps.length - 1];
      const beforeLast = steps[steps.length - 2];
      expect(last, id).toMatchObject({
        type: 'SendClaims',
        cpimIssuerTechnicalProfileReferenceId: 'JwtIssuer',
      });
      expect(
        beforeLast?.claimsExchanges.map((e) => e.technicalProfileReferenceId),
        id,
      ).toEqual(['REST-GetProfile']);
      expect(beforeLast?.preconditions).toEqual([
        {
          type: 'ClaimsExist',
          executeActionsIf: false,
          values: ['objectId'],
          action: 'SkipThisOrchestrationStep',
        },
      ]);
      expect(steps.map((s) => s.order)).toEqual(steps.map((_, i) => i + 1));
    }
  });

  it('serves the UserInfo endpoint from the sign-in policy, adding balance through REST-GetProfile', () => {
    const rp = shipped.relyingParty('B2C_1A_signup_signin');
    expect(rp.endpoints.get('UserInfo')).toBe('UserInfoJourney');
    const journey = shipped.journey('UserInfoJourney');
    expect(journey.authorizationTechnicalProfiles).toEqual(['UserInfoAuthorization']);
    expect(
      journey.steps.map(
        (s) =>
          s.claimsExchanges[0]?.technicalProfileReferenceId ??
          s.cpimIssuerTechnicalProfileReferenceId,
      ),
    ).toEqual(['AAD-UserReadUsingObjectId', 'REST-GetProfile', 'UserInfoIssuer']);
    expect(
      shipped.technicalProfile('UserInfoIssuer')?.inputClaims.map((c) => c.claimTypeReferenceId),
    ).toContain('balance');
  });

  it('issues promoCode and balance in the sign-in token, and balance after profile edit and password reset', () => {
    const outputs = (policyId: string) =>
      shipped.relyingParty(policyId).outputClaims.map((c) => c.claimTypeReferenceId);
    expect(outputs('B2C_1A_signup_signin')).toEqual(
      expect.arrayContaining(['promoCode', 'balance']),
    );
    expect(outputs('B2C_1A_ProfileEdit')).toContain('balance');
    expect(outputs('B2C_1A_PasswordReset')).toContain('balance');
  });

  it('sends only claims the API reads, under the names it reads them, as a custom-policy call', () => {
    for (const [tp, claims] of [
      [validate, DAVID],
      [getProfile, { objectId: '11111111-0000-0000-0000-000000000000' }],
    ] as const) {
      const sent = buildRestRequest(tp, claims, shipped).sent;
      const raw = new Map(Object.entries(sent));
      expect(DIALECTS.recognise(raw).name).toBe('customPolicy');
      const parsed = canonicalClaims(raw);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(Object.keys(parsed.value).sort()).toEqual(Object.keys(sent).sort());
    }
  });
});

describe('how B2C builds the request of a RESTful technical profile', () => {
  it('Body: POSTs the claims as JSON, renamed by PartnerClaimType, with resolved claim resolvers', () => {
    const request = buildRestRequest(validate, DAVID, shipped, {
      context: { culture: 'fr-FR', correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    });
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://your-app.azurewebsites.net/api/ValidateProfile',
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(request.body ?? '')).toEqual({
      email: 'david@contoso.com',
      loyaltyId: '5678',
      lang: '1036',
      correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    });
  });

  it("sends the user's IP address ({Context:IPAddress}) to ValidateProfile as ipAddress", () => {
    const request = buildRestRequest(validate, DAVID, shipped, {
      context: { correlationId: 'c', ipAddress: '203.0.113.7' },
    });
    expect(JSON.parse(request.body ?? '')).toMatchObject({ ipAddress: '203.0.113.7' });
    const parsed = canonicalClaims(new Map(Object.entries(JSON.parse(request.body ?? ''))));
    expect(parsed.ok && parsed.value.ipAddress).toBe('203.0.113.7');
  });

  it('Form: POSTs the claims urlencoded', () => {
    const request = buildRestRequest(
      rendered('Form').restProfile('REST-ValidateProfile'),
      DAVID,
      shipped,
      {
        context: { culture: 'en-US', correlationId: 'c' },
      },
    );
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toBe('email=david%40contoso.com&loyaltyId=5678&lang=1033&correlationId=c');
  });

  it('QueryString: GETs with the claims added to the ServiceUrl’s query string', () => {
    const tp = rendered('QueryString').restProfile('REST-GetProfile');
    const withQuery: TechnicalProfile = {
      ...tp,
      metadata: new Map([
        ...tp.metadata,
        ['ServiceUrl', 'https://contoso-b2c.azurewebsites.net/api/GetProfile?tenant=x'],
      ]),
    };
    const request = buildRestRequest(withQuery, { objectId: 'o-1' }, shipped, {
      context: { correlationId: 'c' },
    });
    expect(request.method).toBe('GET');
    expect(request.body).toBeUndefined();
    expect(request.url).toBe(
      'https://contoso-b2c.azurewebsites.net/api/GetProfile?tenant=x&objectId=o-1&lang=1033&correlationId=c',
    );
  });

  it('Header: GETs with one header per claim', () => {
    const request = buildRestRequest(
      rendered('Header').restProfile('REST-GetProfile'),
      { objectId: 'o-1' },
      shipped,
      {
        context: { culture: 'de-DE', correlationId: 'c' },
      },
    );
    expect(request.method).toBe('GET');
    expect(request.url).toBe('https://contoso-b2c.azurewebsites.net/api/GetProfile');
    expect(request.headers).toEqual({ objectId: 'o-1', lang: '1031', correlationId: 'c' });
  });

  it('gives every call a fresh correlation ID when the journey has none yet', () => {
    const a = buildRestRequest(getProfile, { objectId: 'o' }, shipped).sent.correlationId;
    const b = buildRestRequest(getProfile, { objectId: 'o' }, shipped).sent.correlationId;
    expect(a).toMatch(GUID);
    expect(b).toMatch(GUID);
    expect(a).not.toBe(b);
  });

  it('leaves out claims with no value', () => {
    const sent = buildRestRequest(
      validate,
      { email: 'david@contoso.com', loyaltyId: '' },
      shipped,
    ).sent;
    expect(Object.keys(sent)).toEqual(['email', 'lang', 'correlationId']);
  });

  it('uses AlwaysUseDefaultValue over a value already in the bag', () => {
    const sent = buildRestRequest(validate, { ...DAVID, userLanguage: 'xx' }, shipped, {
      context: { culture: 'ja-JP' },
    }).sent;
    expect(sent.lang).toBe('1041');
  });

  it('applies a plain DefaultValue only when the claim has no value', () => {
    const tp: TechnicalProfile = {
      ...getProfile,
      inputClaims: [
        {
          claimTypeReferenceId: 'objectId',
          defaultValue: 'fallback',
          alwaysUseDefaultValue: false,
          required: false,
        },
      ],
    };
    expect(buildRestRequest(tp, {}, shipped).sent).toEqual({ objectId: 'fallback' });
    expect(buildRestRequest(tp, { objectId: 'mine' }, shipped).sent).toEqual({ objectId: 'mine' });
  });

  it('sends claim resolvers as literal text when IncludeClaimResolvingInClaimsHandling is missing', () => {
    const broken = new PolicySet(
      withoutMetadataItem(shippedPolicies(), 'IncludeClaimResolvingInClaimsHandling'),
    );
    const sent = buildRestRequest(broken.restProfile('REST-ValidateProfile'), DAVID, broken).sent;
    expect(sent.lang).toBe('{Culture:LCID}');
    expect(sent.correlationId).toBe('{Context:CorrelationId}');
  });

  it('sends the credentials of the AuthenticationType when the test supplies them', () => {
    const credentials = { username: 'b2c', password: 'pw', apiKey: 'k', bearerToken: 't' };
    const header = (auth: 'apikey' | 'basic' | 'bearer' | 'certificate') =>
      buildRestRequest(
        new PolicySet(render({ baseUrl: 'https://x.azurewebsites.net', auth })).restProfile(
          'REST-GetProfile',
        ),
        { objectId: 'o' },
        shipped,
        { credentials },
      ).headers;
    expect(header('apikey')['x-api-key']).toBe('k');
    expect(header('basic').authorization).toBe(`Basic ${Buffer.from('b2c:pw').toString('base64')}`);
    expect(header('bearer').authorization).toBe('Bearer t');
    expect(header('certificate').authorization).toBeUndefined();
  });

  it('refuses AuthenticationType None without AllowInsecureAuthInProduction, and a ServiceUrl that is not HTTPS', () => {
    const none = new PolicySet(
      render({ baseUrl: 'https://x.azurewebsites.net', auth: 'none' }),
    ).restProfile('REST-GetProfile');
    expect(configurationProblem(none, {})).toBeUndefined();
    const withoutAllow: TechnicalProfile = {
      ...none,
      metadata: new Map([...none.metadata].filter(([k]) => k !== 'AllowInsecureAuthInProduction')),
    };
    expect(configurationProblem(withoutAllow, {})).toContain('AllowInsecureAuthInProduction');
    expect(configurationProblem(withoutAllow, { deploymentMode: 'Development' })).toBeUndefined();
    const http: TechnicalProfile = {
      ...none,
      metadata: new Map([
        ...none.metadata,
        ['ServiceUrl', 'http://x.azurewebsites.net/api/GetProfile'],
      ]),
    };
    expect(configurationProblem(http, {})).toContain('not HTTPS');
    for (const auth of ['basic', 'apikey', 'certificate', 'bearer'] as const) {
      const tp = new PolicySet(
        render({ baseUrl: 'https://x.azurewebsites.net', auth }),
      ).restProfile('REST-ValidateProfile');
      expect(configurationProblem(tp, {}), auth).toBeUndefined();
    }
  });
});
