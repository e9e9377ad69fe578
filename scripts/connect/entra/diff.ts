/**
 * What differs between what the tenant holds and what `connect entra` wants, object by object
 * (pure: no Graph). Each answer is the plan's action, why, and the body that makes the change;
 * an update body carries only what the command manages, merged with what is already there, so
 * nothing it was not asked to manage changes.
 */
import type { ExtensionBody } from './desired';
import {
  claimsPolicyDefinition,
  FLOW_HANDLER,
  GRAPH_APP_ID,
  LISTENER_TYPE,
  TOKEN_CLAIMS,
  type AttributeEvent,
} from './desired';
import type {
  GraphApplication,
  GraphClaimsPolicy,
  GraphExtension,
  GraphFlow,
  GraphListener,
  RequiredResourceAccess,
} from './model';

export interface Change {
  readonly action: 'create' | 'update' | 'unchanged';
  readonly why: string;
  /** The PATCH (update) body; create bodies come from desired.ts. */
  readonly patch?: Record<string, unknown>;
}

const unchanged = (why: string): Change => ({ action: 'unchanged', why });

/**
 * The API's app registration: its identifier URI (`uri`, given its appId), token version 2 and
 * the Graph Receive.Payload permission.
 */
export function apiAppChange(
  app: GraphApplication | undefined,
  roleId: string,
  uri: (appId: string) => string,
): Change {
  if (app === undefined)
    return { action: 'create', why: 'no app registration has this identifier URI' };
  const patch: Record<string, unknown> = {};
  const reasons: string[] = [];
  const uris = app.identifierUris ?? [];
  if (!uris.includes(uri(app.appId))) {
    patch.identifierUris = [...uris, uri(app.appId)];
    reasons.push(`adds the identifier URI ${uri(app.appId)}`);
  }
  if (app.api?.requestedAccessTokenVersion !== 2) {
    patch.api = { ...(app.api ?? {}), requestedAccessTokenVersion: 2 };
    reasons.push(`token version ${String(app.api?.requestedAccessTokenVersion ?? 'default')} → 2`);
  }
  const access: readonly RequiredResourceAccess[] = app.requiredResourceAccess ?? [];
  const graph = access.find((r) => r.resourceAppId === GRAPH_APP_ID);
  if (!graph?.resourceAccess.some((a) => a.id === roleId && a.type === 'Role')) {
    const role = { id: roleId, type: 'Role' };
    patch.requiredResourceAccess =
      graph === undefined
        ? [...access, { resourceAppId: GRAPH_APP_ID, resourceAccess: [role] }]
        : access.map((r) =>
            r === graph ? { ...r, resourceAccess: [...r.resourceAccess, role] } : r,
          );
    reasons.push('adds the permission CustomAuthenticationExtension.Receive.Payload');
  }
  return reasons.length === 0
    ? unchanged('identifier URI, token version 2 and the Receive.Payload permission in place')
    : { action: 'update', why: reasons.join('; '), patch };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  return x.size === new Set(b).size && b.every((v) => x.has(v));
}

/** One custom authentication extension against its desired body. */
export function extensionChange(found: GraphExtension | undefined, want: ExtensionBody): Change {
  if (found === undefined)
    return { action: 'create', why: `none calls ${want.endpointConfiguration.targetUrl}` };
  const patch: Record<string, unknown> = {};
  const reasons: string[] = [];
  const resourceId = found.authenticationConfiguration?.resourceId ?? '';
  if (resourceId !== want.authenticationConfiguration.resourceId) {
    patch.authenticationConfiguration = want.authenticationConfiguration;
    reasons.push(
      `resourceId ${resourceId || '(none)'} → ${want.authenticationConfiguration.resourceId}`,
    );
  }
  const client = found.clientConfiguration;
  const { timeoutInMilliseconds, maximumRetries } = want.clientConfiguration;
  if (
    client?.timeoutInMilliseconds !== timeoutInMilliseconds ||
    client.maximumRetries !== maximumRetries
  ) {
    patch.clientConfiguration = want.clientConfiguration;
    reasons.push(
      `timeout ${String(client?.timeoutInMilliseconds ?? 'default')} ms, retries ${String(client?.maximumRetries ?? 'default')} → ${timeoutInMilliseconds} ms, ${maximumRetries}`,
    );
  }
  if (want.claimsForTokenConfiguration !== undefined) {
    const has = (found.claimsForTokenConfiguration ?? []).map((c) => c.claimIdInApiResponse ?? '');
    if (!sameSet(has, [...TOKEN_CLAIMS])) {
      patch.claimsForTokenConfiguration = want.claimsForTokenConfiguration;
      reasons.push(`claims [${has.join(', ')}] → [${TOKEN_CLAIMS.join(', ')}]`);
    }
  }
  return reasons.length === 0
    ? unchanged('target URL, resourceId, timeout and retries as wanted')
    : {
        action: 'update',
        why: reasons.join('; '),
        patch: { '@odata.type': want['@odata.type'], ...patch },
      };
}

/** The token-issuance listener: it must include every --app (others already there stay). */
export function listenerChange(found: GraphListener | undefined, apps: readonly string[]): Change {
  if (found === undefined) return { action: 'create', why: `for ${apps.join(', ')}` };
  const included = (found.conditions?.applications?.includeApplications ?? []).map((a) =>
    a.appId.toLowerCase(),
  );
  const missing = apps.filter((a) => !included.includes(a));
  if (missing.length === 0) return unchanged(`includes ${apps.join(', ')}`);
  return {
    action: 'update',
    why: `adds ${missing.join(', ')}`,
    patch: {
      '@odata.type': LISTENER_TYPE,
      conditions: {
        applications: {
          includeApplications: [...included, ...missing].map((appId) => ({ appId })),
        },
      },
    },
  };
}

/** One attribute-collection handler of the sign-up user flow. */
export function flowHandlerChange(
  flow: GraphFlow,
  event: AttributeEvent,
  extensionId: string | undefined,
): Change {
  const { property, type } = FLOW_HANDLER[event];
  const handler = flow[property as 'onAttributeCollectionStart'];
  const current = handler?.customExtension?.id;
  const ours = extensionId !== undefined && current === extensionId;
  if (ours && (handler?.['@odata.type'] ?? '').replace(/^#?/, '#') === type) {
    return unchanged(`${property} calls the extension`);
  }
  return {
    action: 'update',
    why:
      current === undefined
        ? `${property} calls no extension yet`
        : `${property} calls ${current}, not the API's extension`,
  };
}

/** The claims-mapping policy: exactly the token claims, from the custom claims provider. */
export function claimsPolicyChange(found: GraphClaimsPolicy | undefined): Change {
  if (found === undefined) return { action: 'create', why: `maps ${TOKEN_CLAIMS.join(', ')}` };
  const want = claimsPolicyDefinition();
  let same = false;
  try {
    const schema = (
      JSON.parse(found.definition?.[0] ?? '') as {
        ClaimsMappingPolicy?: {
          ClaimsSchema?: { Source?: string; ID?: string; JwtClaimType?: string }[];
        };
      }
    ).ClaimsMappingPolicy?.ClaimsSchema;
    same =
      Array.isArray(schema) &&
      schema.every((c) => c.Source === 'CustomClaimsProvider' && c.ID === c.JwtClaimType) &&
      sameSet(
        schema.map((c) => c.ID ?? ''),
        [...TOKEN_CLAIMS],
      );
  } catch {
    same = false;
  }
  return same
    ? unchanged(`maps ${TOKEN_CLAIMS.join(', ')}`)
    : {
        action: 'update',
        why: `its definition differs: maps ${TOKEN_CLAIMS.join(', ')}`,
        patch: { definition: [want] },
      };
}
