/**
 * The plan of `connect entra`: one step per object, in the order they depend on each other
 * (app registration → service principal → consent → extensions → listener, user flow → claims
 * policy → its assignments → acceptMappedClaims). A step that creates something records its id
 * in `live`, where the later steps read it; nothing is written before the plan is accepted.
 */
import type { EntraEvent } from '../../../shared/dialects/entra/event';
import type { GraphClient } from '../graph';
import type { PlanStep } from '../plan';
import { PATHS, PERMISSION } from './calls';
import {
  apiAppBody,
  apiAppName,
  claimsPolicyDefinition,
  claimsPolicyName,
  extensionBody,
  FLOW_HANDLER,
  flowHandlerBody,
  identifierUri,
  listenerBody,
  type AttributeEvent,
} from './desired';
import {
  apiAppChange,
  claimsPolicyChange,
  extensionChange,
  flowHandlerChange,
  listenerChange,
  type Change,
} from './diff';
import type { TenantSnapshot } from './model';
import type { EntraOptions } from './options';

/** Ids known once read or created; the steps fill in what they create. */
export interface Live {
  apiAppObjectId?: string | undefined;
  apiAppId?: string | undefined;
  apiSpId?: string | undefined;
  extensionIds: Partial<Record<EntraEvent, string>>;
  claimsPolicyId?: string | undefined;
}

/** Shown where an id is not known before the step that creates it runs. */
export const PENDING = '<new app id>';

function need(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`${what} is not known (an earlier step did not run)`);
  return value;
}

export function liveOf(tenant: TenantSnapshot): Live {
  const extensionIds: Partial<Record<EntraEvent, string>> = {};
  for (const [event, found] of Object.entries(tenant.extensions)) {
    if (found !== undefined) extensionIds[event as EntraEvent] = found.id;
  }
  return {
    apiAppObjectId: tenant.apiApp?.id,
    apiAppId: tenant.apiApp?.appId,
    apiSpId: tenant.apiSp?.id,
    extensionIds,
    claimsPolicyId: tenant.claimsPolicy?.id,
  };
}

export function buildSteps(
  graph: GraphClient,
  options: EntraOptions,
  tenant: TenantSnapshot,
  live: Live,
): PlanStep[] {
  const steps: PlanStep[] = [];
  const add = (kind: string, name: string, change: Change, apply: () => Promise<void>): void => {
    steps.push({ kind, name, action: change.action, why: change.why, apply });
  };
  const post = async <T>(path: string, permission: string, json: unknown): Promise<T> =>
    (await graph.send({ method: 'POST', path, permission, json })).json<T>();
  const patch = async (path: string, permission: string, json: unknown): Promise<void> => {
    await graph.send({ method: 'PATCH', path, permission, json });
  };
  const resourceId = (): string => identifierUri(options.host, live.apiAppId ?? PENDING);
  const { receivePayloadRoleId: roleId, id: graphSpId } = tenant.graphSp;

  const appChange = apiAppChange(tenant.apiApp, roleId, (appId) =>
    identifierUri(options.host, appId),
  );
  add('app registration', apiAppName(options), appChange, async () => {
    if (appChange.action === 'update') {
      await patch(
        PATHS.application(need(live.apiAppObjectId, 'the app')),
        PERMISSION.applications,
        appChange.patch,
      );
      return;
    }
    const created = await post<{ id: string; appId: string }>(
      PATHS.applications,
      PERMISSION.applications,
      apiAppBody(options, roleId),
    );
    live.apiAppObjectId = created.id;
    live.apiAppId = created.appId;
    await patch(PATHS.application(created.id), PERMISSION.applications, {
      identifierUris: [identifierUri(options.host, created.appId)],
    });
  });

  add(
    'service principal',
    apiAppName(options),
    tenant.apiSp === undefined
      ? { action: 'create', why: 'the API app has none' }
      : { action: 'unchanged', why: 'exists' },
    async () => {
      const sp = await post<{ id: string }>(PATHS.servicePrincipals, PERMISSION.applications, {
        appId: need(live.apiAppId, 'the app id'),
      });
      live.apiSpId = sp.id;
    },
  );

  add(
    'admin consent',
    'CustomAuthenticationExtension.Receive.Payload',
    tenant.consented
      ? { action: 'unchanged', why: 'granted (app role assignment on Microsoft Graph)' }
      : { action: 'create', why: 'app role assignment on Microsoft Graph' },
    async () => {
      const principalId = need(live.apiSpId, 'the service principal');
      await post(PATHS.appRoleAssignments(principalId), PERMISSION.appRoleAssignments, {
        principalId,
        resourceId: graphSpId,
        appRoleId: roleId,
      });
    },
  );

  for (const event of options.events) {
    const found = tenant.extensions[event];
    const change = extensionChange(found, extensionBody(options, event, resourceId()));
    add('extension', event, change, async () => {
      const want = extensionBody(options, event, resourceId());
      if (found === undefined) {
        const created = await post<{ id: string }>(PATHS.extensions, PERMISSION.extensions, want);
        live.extensionIds[event] = created.id;
      } else {
        await patch(
          PATHS.extension(found.id),
          PERMISSION.extensions,
          extensionChange(found, want).patch,
        );
      }
    });
  }

  if (options.events.includes('tokenIssuanceStart')) {
    const change = listenerChange(tenant.listener, options.apps);
    add('listener', 'onTokenIssuanceStart', change, async () => {
      if (tenant.listener === undefined) {
        const extensionId = need(live.extensionIds.tokenIssuanceStart, 'the extension');
        await post(PATHS.listeners, PERMISSION.listeners, listenerBody(options.apps, extensionId));
      } else {
        await patch(PATHS.listener(tenant.listener.id), PERMISSION.listeners, change.patch);
      }
    });
  }

  const flow = tenant.flow;
  for (const event of options.events) {
    if (event === 'tokenIssuanceStart' || flow === undefined) continue;
    const attributeEvent: AttributeEvent = event;
    const change = flowHandlerChange(flow, attributeEvent, tenant.extensions[event]?.id);
    add(
      'user flow',
      `${flow.displayName ?? flow.id} ${FLOW_HANDLER[attributeEvent].property}`,
      change,
      async () => {
        const extensionId = need(live.extensionIds[event], 'the extension');
        await patch(
          PATHS.flow(flow.id),
          PERMISSION.flows,
          flowHandlerBody(attributeEvent, extensionId),
        );
      },
    );
  }

  if (options.events.includes('tokenIssuanceStart'))
    addClaimsSteps(steps, add, options, tenant, live, { endpoint: graph.endpoint, post, patch });
  return steps;
}

type Add = (kind: string, name: string, change: Change, apply: () => Promise<void>) => void;

function addClaimsSteps(
  steps: PlanStep[],
  add: Add,
  options: EntraOptions,
  tenant: TenantSnapshot,
  live: Live,
  writes: {
    readonly endpoint: string;
    readonly post: <T>(path: string, permission: string, json: unknown) => Promise<T>;
    readonly patch: (path: string, permission: string, json: unknown) => Promise<void>;
  },
): void {
  const { endpoint, post, patch } = writes;
  const policyChange = claimsPolicyChange(tenant.claimsPolicy);
  add('claims-mapping policy', claimsPolicyName(options), policyChange, async () => {
    if (tenant.claimsPolicy !== undefined) {
      await patch(
        PATHS.claimsPolicy(tenant.claimsPolicy.id),
        PERMISSION.policies,
        policyChange.patch,
      );
      return;
    }
    const created = await post<{ id: string }>(PATHS.claimsPolicies, PERMISSION.policies, {
      definition: [claimsPolicyDefinition()],
      displayName: claimsPolicyName(options),
      isOrganizationDefault: false,
    });
    live.claimsPolicyId = created.id;
  });

  for (const client of tenant.clients) {
    const name = `${client.app.displayName ?? client.appId} (${client.appId})`;
    const ours =
      tenant.claimsPolicy !== undefined &&
      client.policies.some((p) => p.id === tenant.claimsPolicy?.id);
    const other = client.policies.find((p) => p.id !== tenant.claimsPolicy?.id);
    if (!ours && other !== undefined) {
      steps.push({
        kind: 'policy assignment',
        name,
        action: 'manual',
        why: `its service principal already has the claims-mapping policy '${other.displayName ?? other.id}' (one per service principal): add ${options.host}'s claims to it, or remove it, then run again`,
      });
    } else {
      add(
        'policy assignment',
        name,
        ours
          ? { action: 'unchanged', why: 'the claims-mapping policy is assigned' }
          : { action: 'create', why: 'assigns the claims-mapping policy to its service principal' },
        async () => {
          const policyId = need(live.claimsPolicyId, 'the claims-mapping policy');
          await post(PATHS.spClaimsPolicyRef(client.sp.id), PERMISSION.assignPolicy, {
            '@odata.id': `${endpoint}${PATHS.claimsPolicy(policyId)}`,
          });
        },
      );
    }
    const accepts = client.app.api?.acceptMappedClaims === true;
    if (accepts) {
      add(
        'acceptMappedClaims',
        name,
        { action: 'unchanged', why: 'api.acceptMappedClaims is true' },
        () => Promise.resolve(),
      );
    } else if (options.acceptMappedClaims) {
      add(
        'acceptMappedClaims',
        name,
        { action: 'update', why: 'api.acceptMappedClaims → true' },
        async () => {
          await patch(PATHS.application(client.app.id), PERMISSION.applications, {
            api: { ...(client.app.api ?? {}), acceptMappedClaims: true },
          });
        },
      );
    } else {
      steps.push({
        kind: 'acceptMappedClaims',
        name,
        action: 'manual',
        why: 'the one change left: set api.acceptMappedClaims to true on this app registration (its manifest), or run again with --accept-mapped-claims',
      });
    }
  }
}
