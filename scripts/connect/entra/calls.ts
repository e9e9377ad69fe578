/**
 * Every Microsoft Graph call `connect entra` makes, each with its path as the reference page
 * gives it and the permission a refusal names. v1.0 wherever the object has it; the sign-up
 * user flow's attribute-collection handlers (onAttributeCollectionStart/Submit of
 * externalUsersSelfServiceSignUpEventsFlow) exist only in beta.
 *
 *   applications                 application-list, application-post-applications, application-update (v1.0)
 *   servicePrincipals            serviceprincipal-list, serviceprincipal-post-serviceprincipals (v1.0)
 *   appRoleAssignments           serviceprincipal-list-approleassignments, serviceprincipal-post-approleassignments (v1.0)
 *   customAuthenticationExtensions  identitycontainer-list-/post-customauthenticationextensions,
 *                                customauthenticationextension-update, -validateauthenticationconfiguration (v1.0)
 *   authenticationEventListeners identitycontainer-list-/post-authenticationeventlisteners,
 *                                authenticationeventlistener-update (v1.0)
 *   authenticationEventsFlows    authenticationeventsflow-get, authenticationeventsflow-update (beta)
 *   claimsMappingPolicies        claimsmappingpolicy-list, claimsmappingpolicy-post-claimsmappingpolicies,
 *                                claimsmappingpolicy-update, serviceprincipal-list-claimsmappingpolicies,
 *                                serviceprincipal-post-claimsmappingpolicies (v1.0)
 */
export const PERMISSION = {
  applications: 'Application.ReadWrite.All (or the Application Administrator role)',
  appRoleAssignments:
    'AppRoleAssignment.ReadWrite.All with Application.Read.All (or the Privileged Role Administrator role)',
  extensions:
    'CustomAuthenticationExtension.ReadWrite.All (or the Authentication Extensibility Administrator role)',
  listeners: 'EventListener.ReadWrite.All (or the Authentication Extensibility Administrator role)',
  flows: 'EventListener.ReadWrite.All (or the External ID User Flow Administrator role)',
  policies: 'Policy.ReadWrite.ApplicationConfiguration (or the Application Administrator role)',
  assignPolicy:
    'Policy.ReadWrite.ApplicationConfiguration with Application.ReadWrite.All (or the Application Administrator role)',
} as const;

/** An OData $filter (or $select) query, encoded; string values quoted as OData quotes them. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function query(parts: Readonly<Record<string, string>>): string {
  return `?${Object.entries(parts)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&')}`;
}

/** The headers of an advanced query (with $count=true): application-list's startswith on identifierUris. */
export const ADVANCED_QUERY = { ConsistencyLevel: 'eventual' } as const;

export const PATHS = {
  applications: '/v1.0/applications',
  application: (id: string) => `/v1.0/applications/${id}`,
  applicationByAppId: (appId: string) =>
    `/v1.0/applications${query({ $filter: `appId eq ${odataString(appId)}` })}`,
  applicationByName: (name: string) =>
    `/v1.0/applications${query({ $filter: `displayName eq ${odataString(name)}` })}`,
  /** An advanced query: send it with ADVANCED_QUERY. */
  applicationsByUriPrefix: (prefix: string) =>
    `/v1.0/applications${query({ $filter: `identifierUris/any(x:startswith(x,${odataString(prefix)}))`, $count: 'true' })}`,
  servicePrincipals: '/v1.0/servicePrincipals',
  servicePrincipalByAppId: (appId: string) =>
    `/v1.0/servicePrincipals${query({ $filter: `appId eq ${odataString(appId)}` })}`,
  appRoleAssignments: (spId: string) => `/v1.0/servicePrincipals/${spId}/appRoleAssignments`,
  extensions: '/v1.0/identity/customAuthenticationExtensions',
  extension: (id: string) => `/v1.0/identity/customAuthenticationExtensions/${id}`,
  validate: (id: string) =>
    `/v1.0/identity/customAuthenticationExtensions/${id}/validateAuthenticationConfiguration`,
  listeners: '/v1.0/identity/authenticationEventListeners',
  listener: (id: string) => `/v1.0/identity/authenticationEventListeners/${id}`,
  flow: (id: string) => `/beta/identity/authenticationEventsFlows/${encodeURIComponent(id)}`,
  claimsPolicies: '/v1.0/policies/claimsMappingPolicies',
  claimsPolicy: (id: string) => `/v1.0/policies/claimsMappingPolicies/${id}`,
  spClaimsPolicies: (spId: string) => `/v1.0/servicePrincipals/${spId}/claimsMappingPolicies`,
  spClaimsPolicyRef: (spId: string) => `/v1.0/servicePrincipals/${spId}/claimsMappingPolicies/$ref`,
} as const;
