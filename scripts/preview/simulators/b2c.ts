/** Azure AD B2C's custom-policy engine as the simulator models it (see policyTypes.ts). */
export * from './claimResolvers';
export * from './journey';
export * from './policyTypes';
export * from './policyXml';
export * from './restCall';
export * from './restRequest';
