/**
 * The Graph objects `connect entra` reads, as far as it reads them (Microsoft's Graph reference
 * names every property), and the snapshot of the tenant it plans from.
 */
import type { EntraEvent } from '../../../shared/dialects/entra/event';

export interface GraphApplication {
  readonly id: string;
  readonly appId: string;
  readonly displayName?: string | null;
  readonly identifierUris?: readonly string[] | null;
  readonly api?: (Readonly<Record<string, unknown>> & ApiSettings) | null;
  readonly requiredResourceAccess?: readonly RequiredResourceAccess[] | null;
}

interface ApiSettings {
  readonly requestedAccessTokenVersion?: number | null;
  readonly acceptMappedClaims?: boolean | null;
}

export interface RequiredResourceAccess {
  readonly resourceAppId: string;
  readonly resourceAccess: readonly { readonly id: string; readonly type: string }[];
}

export interface GraphServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly displayName?: string | null;
  readonly appRoles?: readonly { readonly id: string; readonly value?: string | null }[] | null;
}

export interface AppRoleAssignment {
  readonly id: string;
  readonly principalId: string;
  readonly resourceId: string;
  readonly appRoleId: string;
}

export interface GraphExtension {
  readonly id: string;
  readonly '@odata.type': string;
  readonly displayName?: string | null;
  readonly endpointConfiguration?: { readonly targetUrl?: string | null } | null;
  readonly authenticationConfiguration?: { readonly resourceId?: string | null } | null;
  readonly clientConfiguration?: {
    readonly timeoutInMilliseconds?: number | null;
    readonly maximumRetries?: number | null;
  } | null;
  readonly claimsForTokenConfiguration?:
    readonly { readonly claimIdInApiResponse?: string | null }[] | null;
}

export interface GraphHandler {
  readonly '@odata.type'?: string;
  readonly customExtension?: { readonly id?: string } | null;
}

export interface GraphListener {
  readonly id: string;
  readonly '@odata.type': string;
  readonly conditions?: {
    readonly applications?: {
      readonly includeApplications?: readonly { readonly appId: string }[] | null;
    } | null;
  } | null;
  readonly handler?: GraphHandler | null;
}

export interface GraphFlow {
  readonly id: string;
  readonly '@odata.type': string;
  readonly displayName?: string | null;
  readonly onAttributeCollectionStart?: GraphHandler | null;
  readonly onAttributeCollectionSubmit?: GraphHandler | null;
}

export interface GraphClaimsPolicy {
  readonly id: string;
  readonly displayName?: string | null;
  readonly definition?: readonly string[] | null;
}

/** A client application named by --app, with what the command may change on it. */
export interface ClientApp {
  readonly appId: string;
  readonly app: GraphApplication;
  readonly sp: GraphServicePrincipal;
  /** The claims-mapping policies assigned to its service principal (at most one). */
  readonly policies: readonly GraphClaimsPolicy[];
}

/** What the tenant holds, read before anything is planned. */
export interface TenantSnapshot {
  readonly graphSp: { readonly id: string; readonly receivePayloadRoleId: string };
  readonly apiApp?: GraphApplication | undefined;
  readonly apiSp?: GraphServicePrincipal | undefined;
  /** The API's service principal holds the Receive.Payload app role on Graph. */
  readonly consented: boolean;
  readonly extensions: Partial<Record<EntraEvent, GraphExtension>>;
  readonly listener?: GraphListener | undefined;
  readonly flow?: GraphFlow | undefined;
  readonly claimsPolicy?: GraphClaimsPolicy | undefined;
  readonly clients: readonly ClientApp[];
}

/** An input that names something the tenant does not have: exit code 2, nothing written. */
export class NotInTenantError extends Error {}
