/**
 * Entra custom authentication extension requests, shaped as in Microsoft's reference pages
 * (custom-claims-provider-reference, custom-extension-onattributecollectionstart-reference,
 * custom-extension-onattributecollectionsubmit-reference), with this product's attributes.
 */
export const APP_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const TENANT = '30000000-0000-4000-8000-000000000003';

const authenticationContext = (locale: string) => ({
  correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  client: { ip: '30.51.176.110', locale, market: 'en-us' },
  protocol: 'OAUTH2.0',
  clientServicePrincipal: {
    id: '11111111-1111-4111-8111-111111111111',
    appId: '22222222-2222-4222-8222-222222222222',
    appDisplayName: 'My Test application',
    displayName: 'My Test application',
  },
  resourceServicePrincipal: {
    id: '11111111-1111-4111-8111-111111111111',
    appId: '22222222-2222-4222-8222-222222222222',
    appDisplayName: 'My Test application',
    displayName: 'My Test application',
  },
});

/**
 * A token issuance for `user`; with `mail` and no `identities`, the user signed up with that
 * email (an email sign-in identity), as a local account of External ID does.
 */
export function tokenIssuanceStart(
  user: { id?: string; mail?: string; identities?: readonly Record<string, string>[] },
  locale = 'en-us',
) {
  const identities =
    user.identities ??
    (user.mail === undefined
      ? []
      : [{ signInType: 'email', issuer: 'contoso.onmicrosoft.com', issuerAssignedId: user.mail }]);
  return {
    type: 'microsoft.graph.authenticationEvent.tokenIssuanceStart',
    source: `/tenants/${TENANT}/applications/22222222-2222-4222-8222-222222222222`,
    data: {
      '@odata.type': 'microsoft.graph.onTokenIssuanceStartCalloutData',
      tenantId: TENANT,
      authenticationEventListenerId: '10000000-0000-4000-8000-000000000001',
      customAuthenticationExtensionId: '10000000-0000-4000-8000-000000000002',
      authenticationContext: {
        ...authenticationContext(locale),
        user: {
          companyName: 'Casey Jensen',
          createdDateTime: '2016-03-01T15:23:40Z',
          displayName: 'Casey Jensen',
          givenName: 'Casey',
          preferredLanguage: 'en-us',
          surname: 'Jensen',
          userPrincipalName: user.mail ?? 'casey@contoso.com',
          userType: 'Member',
          ...user,
          identities,
        },
      },
    },
  };
}

type Attributes = Record<
  string,
  { '@odata.type'?: string; '@odata.Type'?: string; value: unknown; attributeType: string }
>;

function attributeCollection(
  event: 'attributeCollectionStart' | 'attributeCollectionSubmit',
  email: string | undefined,
  attributes: Attributes,
  locale: string,
) {
  const callout =
    event === 'attributeCollectionStart'
      ? 'microsoft.graph.onAttributeCollectionStartCalloutData'
      : 'microsoft.graph.onAttributeCollectionSubmitCalloutData';
  return {
    type: `microsoft.graph.authenticationEvent.${event}`,
    source: `/tenants/${TENANT}/applications/22222222-2222-4222-8222-222222222222`,
    data: {
      '@odata.type': callout,
      tenantId: TENANT,
      authenticationEventListenerId: '10000000-0000-4000-8000-000000000001',
      customAuthenticationExtensionId: '10000000-0000-4000-8000-000000000002',
      authenticationContext: authenticationContext(locale),
      userSignUpInfo: {
        attributes: {
          givenName: {
            '@odata.type': 'microsoft.graph.stringDirectoryAttributeValue',
            value: 'Larissa Price',
            attributeType: 'builtIn',
          },
          ...attributes,
        },
        identities:
          email === undefined
            ? []
            : [{ signInType: 'email', issuer: 'contoso.onmicrosoft.com', issuerAssignedId: email }],
      },
    },
  };
}

export const loyaltyAttribute = (value: unknown) => ({
  [`extension_${APP_ID}_loyaltyId`]: {
    // Microsoft's own sample spells this key `@odata.Type` on custom attributes.
    '@odata.Type': 'microsoft.graph.stringDirectoryAttributeValue',
    value,
    attributeType: 'directorySchemaExtension',
  },
});

export const promoAttribute = () => ({
  [`extension_${APP_ID}_promoCode`]: {
    '@odata.type': 'microsoft.graph.stringDirectoryAttributeValue',
    value: '',
    attributeType: 'directorySchemaExtension',
  },
});

export const attributeCollectionStart = (
  email: string | undefined,
  attributes: Attributes = {},
  locale = 'en-us',
) => attributeCollection('attributeCollectionStart', email, attributes, locale);

export const attributeCollectionSubmit = (
  email: string | undefined,
  attributes: Attributes = {},
  locale = 'en-us',
) => attributeCollection('attributeCollectionSubmit', email, attributes, locale);
