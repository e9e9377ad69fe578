/**
 * `npm run policy`: what the renderer writes for each option (how the command line answers:
 * policyRenderCli.test.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  AUTH,
  AUTH_KINDS,
  TEMPLATE_BASE_URL,
  functionUrl,
  renderPolicies,
  renderPolicy,
  type PolicyFile,
} from '../../scripts/policy';
import { PolicySet } from '../../scripts/preview/simulators/b2c';
import { render, shippedPolicies } from '../support/policyKit';

const BASE = 'https://contoso-b2c.azurewebsites.net';
const REST_PROFILES = ['REST-ValidateProfile', 'REST-GetProfile'];

function restProfiles(files: readonly PolicyFile[]) {
  const set = new PolicySet(files);
  return REST_PROFILES.map((id) => set.restProfile(id));
}

function file(files: readonly PolicyFile[], name: string): string {
  const found = files.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found.xml;
}

describe('rendering the policy templates', () => {
  it('reproduces the shipped files exactly with the templates’ own settings (apikey, placeholders)', () => {
    const byName = (files: PolicyFile[]) => [...files].sort((a, b) => a.name.localeCompare(b.name));
    expect(byName(render({ baseUrl: TEMPLATE_BASE_URL, auth: 'apikey' }))).toEqual(
      byName(shippedPolicies()),
    );
  });

  it('points each RESTful technical profile at its own function under the base URL', () => {
    for (const baseUrl of [BASE, `${BASE}/`, `${BASE}/api`]) {
      const rendering = renderPolicies(shippedPolicies(), {
        baseUrl: baseUrl.replace(/\/$/, ''),
        auth: 'basic',
      });
      expect(rendering.serviceUrls).toEqual({
        'REST-ValidateProfile': `${BASE}/api/ValidateProfile`,
        'REST-GetProfile': `${BASE}/api/GetProfile`,
      });
      const [validate, getProfile] = restProfiles(rendering.files);
      expect(validate?.metadata.get('ServiceUrl')).toBe(`${BASE}/api/ValidateProfile`);
      expect(getProfile?.metadata.get('ServiceUrl')).toBe(`${BASE}/api/GetProfile`);
    }
    expect(functionUrl('https://apim.contoso.com/b2c', 'GetProfile')).toBe(
      'https://apim.contoso.com/b2c/api/GetProfile',
    );
  });

  it.each([
    [
      'basic',
      'Basic',
      {
        BasicAuthenticationUsername: 'B2C_1A_RestApiUsername',
        BasicAuthenticationPassword: 'B2C_1A_RestApiPassword',
      },
    ],
    ['apikey', 'ApiKeyHeader', { 'x-api-key': 'B2C_1A_RestApiKey' }],
    ['certificate', 'ClientCertificate', { ClientCertificate: 'B2C_1A_RestApiClientCertificate' }],
    ['bearer', 'Bearer', { BearerAuthenticationToken: 'B2C_1A_RestApiBearerToken' }],
    ['none', 'None', {}],
  ] as const)(
    'with --auth %s sets AuthenticationType %s and the documented policy keys',
    (auth, authenticationType, keys) => {
      const rendering = renderPolicies(shippedPolicies(), { baseUrl: BASE, auth });
      for (const tp of restProfiles(rendering.files)) {
        expect(tp.metadata.get('AuthenticationType')).toBe(authenticationType);
        expect(
          Object.fromEntries(tp.cryptographicKeys.map((k) => [k.id, k.storageReferenceId])),
        ).toEqual(keys);
        expect(tp.metadata.get('AllowInsecureAuthInProduction')).toBe(
          auth === 'none' ? 'true' : undefined,
        );
      }
      expect(rendering.policyKeys.map((k) => k.storageReferenceId)).toEqual(Object.values(keys));
      expect(rendering.warnings.some((w) => w.includes('--auth none'))).toBe(auth === 'none');
    },
  );

  it('never writes AllowInsecureAuthInProduction except with --auth none, in any file', () => {
    for (const auth of AUTH_KINDS) {
      const text = render({ baseUrl: BASE, auth })
        .map((f) => f.xml)
        .join('\n');
      expect(text.includes('AllowInsecureAuthInProduction')).toBe(auth === 'none');
    }
  });

  it('sends the API key in the header --api-key-header names (x-functions-key for the Functions key)', () => {
    const files = render({ baseUrl: BASE, auth: 'apikey', apiKeyHeader: 'x-functions-key' });
    for (const tp of restProfiles(files)) {
      expect(tp.cryptographicKeys).toEqual([
        { id: 'x-functions-key', storageReferenceId: 'B2C_1A_RestApiKey' },
      ]);
    }
  });

  it('switches SendClaimsIn for every RESTful technical profile', () => {
    for (const sendClaimsIn of ['Body', 'Form', 'QueryString', 'Header'] as const) {
      for (const tp of restProfiles(render({ baseUrl: BASE, auth: 'apikey', sendClaimsIn }))) {
        expect(tp.metadata.get('SendClaimsIn')).toBe(sendClaimsIn);
      }
    }
  });

  it('keeps IncludeClaimResolvingInClaimsHandling true where input claims use claim resolvers, and only there', () => {
    for (const tp of restProfiles(render({ baseUrl: BASE, auth: 'apikey' }))) {
      expect(tp.inputClaims.some((c) => c.defaultValue?.startsWith('{'))).toBe(true);
      expect(tp.metadata.get('IncludeClaimResolvingInClaimsHandling')).toBe('true');
    }
    const profile = (
      inputClaim: string,
      metadata: string,
    ): string => `<TrustFrameworkPolicy PolicyId="B2C_1A_x"><ClaimsProviders><ClaimsProvider><TechnicalProfiles>
    <TechnicalProfile Id="REST-GetProfile">
      <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
      <Metadata>
        <Item Key="ServiceUrl">https://your-app.azurewebsites.net/api/GetProfile</Item>${metadata}
      </Metadata>
      <InputClaims>
        ${inputClaim}
      </InputClaims>
    </TechnicalProfile></TechnicalProfiles></ClaimsProvider></ClaimsProviders></TrustFrameworkPolicy>`;
    const added = renderPolicy(
      profile(
        '<InputClaim ClaimTypeReferenceId="userLanguage" DefaultValue="{Culture:LCID}" AlwaysUseDefaultValue="true" />',
        '',
      ),
      { baseUrl: BASE, auth: 'basic' },
    ).xml;
    expect(added).toContain('<Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>');
    const removed = renderPolicy(
      profile(
        '<InputClaim ClaimTypeReferenceId="objectId" />',
        '\n        <Item Key="IncludeClaimResolvingInClaimsHandling">true</Item>',
      ),
      { baseUrl: BASE, auth: 'basic' },
    ).xml;
    expect(removed).not.toContain('IncludeClaimResolvingInClaimsHandling');
  });

  it('puts the tenant everywhere the templates say yourtenant', () => {
    const files = render({ baseUrl: BASE, auth: 'apikey', tenant: 'contoso' });
    for (const f of files) {
      expect(f.xml).not.toContain('yourtenant');
      expect(f.xml).toContain('TenantId="contoso.onmicrosoft.com"');
      expect(f.xml).toContain('PublicPolicyUri="http://contoso.onmicrosoft.com/');
    }
    expect(file(files, 'TrustFrameworkExtensions.xml')).toContain(
      '<Item Key="issuer">https://contoso.b2clogin.com/',
    );
  });

  it('fills the other placeholders from their options and reports those left', () => {
    const partial = renderPolicies(shippedPolicies(), {
      baseUrl: BASE,
      auth: 'apikey',
      tenant: 'contoso',
    });
    expect(partial.placeholders.map((p) => p.option)).toEqual([
      '--proxy-ief-app-id',
      '--ief-app-id',
      '--facebook-client-id',
      '--tenant-id',
      '--app-id',
    ]);
    const full = renderPolicies(shippedPolicies(), {
      baseUrl: BASE,
      auth: 'apikey',
      tenant: 'contoso',
      proxyIefAppId: 'aaaaaaaa-0000-0000-0000-000000000001',
      iefAppId: 'aaaaaaaa-0000-0000-0000-000000000002',
      facebookClientId: '1234567890',
      tenantId: 'bbbbbbbb-0000-0000-0000-000000000003',
      appIds: ['cccccccc-0000-0000-0000-000000000004', 'cccccccc-0000-0000-0000-000000000005'],
    });
    expect(full.placeholders).toEqual([]);
    const extensions = new PolicySet(full.files);
    expect(extensions.technicalProfile('login-NonInteractive')?.metadata).toEqual(
      new Map([
        ['client_id', 'aaaaaaaa-0000-0000-0000-000000000001'],
        ['IdTokenAudience', 'aaaaaaaa-0000-0000-0000-000000000002'],
      ]),
    );
    expect(
      extensions.technicalProfile('login-NonInteractive')?.inputClaims.map((c) => c.defaultValue),
    ).toEqual(['aaaaaaaa-0000-0000-0000-000000000001', 'aaaaaaaa-0000-0000-0000-000000000002']);
    const authorization = extensions.technicalProfile('UserInfoAuthorization')?.metadata;
    expect(authorization?.get('issuer')).toBe(
      'https://contoso.b2clogin.com/bbbbbbbb-0000-0000-0000-000000000003/v2.0/',
    );
    expect(JSON.parse(authorization?.get('audience') ?? '')).toEqual([
      'cccccccc-0000-0000-0000-000000000004',
      'cccccccc-0000-0000-0000-000000000005',
    ]);
    expect(extensions.technicalProfile('Facebook-OAUTH')?.metadata.get('client_id')).toBe(
      '1234567890',
    );
  });

  it('makes the extensions inherit from --base-policy (the Localization file by default)', () => {
    const base = (files: PolicyFile[]) =>
      new PolicySet(files).documents.find((d) => d.policyId === 'B2C_1A_TrustFrameworkExtensions')
        ?.basePolicyId;
    expect(base(render({ baseUrl: BASE, auth: 'apikey' }))).toBe(
      'B2C_1A_TrustFrameworkLocalization',
    );
    expect(
      base(render({ baseUrl: BASE, auth: 'apikey', basePolicy: 'B2C_1A_TrustFrameworkBase' })),
    ).toBe('B2C_1A_TrustFrameworkBase');
    const relyingParties = new PolicySet(
      render({ baseUrl: BASE, auth: 'apikey' }),
    ).documents.filter((d) => d.relyingParty !== undefined);
    expect(relyingParties.map((d) => d.basePolicyId)).toEqual(
      relyingParties.map(() => 'B2C_1A_TrustFrameworkExtensions'),
    );
  });

  it('lists the extensions policy first: the order to upload the files', () => {
    expect(render({ baseUrl: BASE, auth: 'none' }).map((f) => f.name)).toEqual([
      'TrustFrameworkExtensions.xml',
      'PasswordReset.xml',
      'ProfileEdit.xml',
      'SignUpOrSignin.xml',
    ]);
  });

  it('documents every policy key it can write in the usage text', async () => {
    const { USAGE } = await import('../../scripts/policy');
    for (const auth of AUTH_KINDS) {
      for (const key of AUTH[auth].keys('x-api-key'))
        expect(USAGE).toContain(key.storageReferenceId);
    }
  });
});
