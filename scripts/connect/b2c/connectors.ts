/**
 * The user-flow API connector (v1.0 `identity/apiConnectors`) to <base-url>/api/ValidateProfile,
 * with basic or client-certificate authentication (what user-flow connectors support), found by
 * its display name, and attached (beta `b2cUserFlows/{id}/apiConnectorConfiguration/{step}/$ref`)
 * to each --user-flow's postFederationSignup and postAttributeCollection steps. Graph exposes no
 * token-issuance step for B2C user flows: that one is printed as a step to do in the portal.
 */
import { SettingError, type GraphClient } from '../graph';
import type { PlanStep } from '../plan';
import { readClientCertificate } from './keys';

export const CONNECTOR_PERMISSION =
  'APIConnectors.ReadWrite.All (directory role: External ID User Flow Administrator)';
export const USER_FLOW_PERMISSION =
  'IdentityUserFlow.ReadWrite.All (directory role: External ID User Flow Administrator)';
export const CONNECTOR_NAME = 'b2c-claims-api ValidateProfile';
export const STEPS = ['postFederationSignup', 'postAttributeCollection'] as const;
const CONNECTORS = '/v1.0/identity/apiConnectors';

export interface Connector {
  readonly id: string;
  readonly displayName: string;
  readonly targetUrl: string;
  readonly authenticationConfiguration?: Record<string, unknown>;
}
type FlowSteps = Partial<Record<(typeof STEPS)[number], { id?: string; displayName?: string }>>;

export type ConnectorAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'certificate'; file: string; password: string };

function authenticationConfiguration(auth: ConnectorAuth): Record<string, unknown> {
  if (auth.kind === 'basic') {
    return {
      '@odata.type': '#microsoft.graph.basicAuthentication',
      username: auth.username,
      password: auth.password,
    };
  }
  const pkcs12Value = readClientCertificate(auth.file);
  return {
    '@odata.type': '#microsoft.graph.pkcs12Certificate',
    pkcs12Value,
    password: auth.password,
  };
}

export async function findConnector(graph: GraphClient): Promise<Connector | undefined> {
  const all = await graph.list<Connector>(CONNECTORS, CONNECTOR_PERMISSION);
  return all.find((c) => c.displayName === CONNECTOR_NAME);
}

/** A user flow's connector steps; a flow that is not there is a SettingError (nothing written). */
export async function readFlowSteps(graph: GraphClient, flow: string): Promise<FlowSteps> {
  const answer = await graph.send({
    method: 'GET',
    path: `/beta/identity/b2cUserFlows/${encodeURIComponent(flow)}/apiConnectorConfiguration?$expand=${STEPS.join(',')}`,
    permission: USER_FLOW_PERMISSION,
    accept: [404],
  });
  if (answer.status === 404) {
    throw new SettingError(
      `--user-flow ${flow}: the tenant has no such user flow (create it in the portal first)`,
    );
  }
  return answer.json<FlowSteps>() ?? {};
}

function sameAuth(found: Connector, auth: ConnectorAuth): boolean {
  const config = found.authenticationConfiguration ?? {};
  if (auth.kind === 'basic') {
    return (
      config['@odata.type'] === '#microsoft.graph.basicAuthentication' &&
      config['username'] === auth.username
    );
  }
  return config['@odata.type'] === '#microsoft.graph.clientCertificateAuthentication';
}

export function connectorSteps(
  graph: GraphClient,
  targetUrl: string,
  auth: ConnectorAuth,
  found: Connector | undefined,
  flows: ReadonlyMap<string, FlowSteps>,
): PlanStep[] {
  let connectorId = found?.id;
  const steps: PlanStep[] = [];
  const described = `${targetUrl}, ${auth.kind === 'basic' ? 'basic' : 'client certificate'} authentication`;
  if (found !== undefined && found.targetUrl === targetUrl && sameAuth(found, auth)) {
    steps.push({
      kind: 'API connector',
      name: CONNECTOR_NAME,
      action: 'unchanged',
      why: `${described} (a password is not read back)`,
    });
  } else {
    steps.push({
      kind: 'API connector',
      name: CONNECTOR_NAME,
      action: found === undefined ? 'create' : 'update',
      why: found === undefined ? described : `now ${described} (was ${found.targetUrl})`,
      apply: async () => {
        const json = {
          displayName: CONNECTOR_NAME,
          targetUrl,
          authenticationConfiguration: authenticationConfiguration(auth),
        };
        if (found === undefined) {
          const created = await graph.send({
            method: 'POST',
            path: CONNECTORS,
            permission: CONNECTOR_PERMISSION,
            json,
          });
          connectorId = created.json<Connector>().id;
        } else {
          await graph.send({
            method: 'PATCH',
            path: `${CONNECTORS}/${found.id}`,
            permission: CONNECTOR_PERMISSION,
            json,
          });
        }
      },
    });
  }
  for (const [flow, current] of flows) {
    for (const step of STEPS) {
      const attached = current[step];
      const name = `${flow} ${step}`;
      if (found !== undefined && attached?.id === found.id) {
        steps.push({
          kind: 'user-flow step',
          name,
          action: 'unchanged',
          why: `calls ${CONNECTOR_NAME}`,
        });
        continue;
      }
      steps.push({
        kind: 'user-flow step',
        name,
        action: attached === undefined ? 'create' : 'update',
        why:
          attached === undefined
            ? `calls ${CONNECTOR_NAME}`
            : `calls ${CONNECTOR_NAME} instead of ${attached.displayName ?? attached.id ?? 'another connector'}`,
        apply: async () => {
          await graph.send({
            method: 'PUT',
            path: `/beta/identity/b2cUserFlows/${encodeURIComponent(flow)}/apiConnectorConfiguration/${step}/$ref`,
            permission: USER_FLOW_PERMISSION,
            json: {
              '@odata.id': `${graph.endpoint}/beta/identity/apiConnectors/${connectorId ?? ''}`,
            },
          });
        },
      });
    }
  }
  return steps;
}

/** The step Graph does not expose: the token-issuance connector, done in the portal. */
export function tokenIssuanceStep(flow: string, enrichTokenUrl: string): PlanStep {
  return {
    kind: 'user-flow step',
    name: `${flow} preTokenIssuance`,
    action: 'manual',
    why:
      `Graph has no API for it: Azure AD B2C → API connectors → New API connector to ${enrichTokenUrl}, ` +
      `then User flows → ${flow} → API connectors → "Before sending the token (preview)": choose it`,
  };
}
