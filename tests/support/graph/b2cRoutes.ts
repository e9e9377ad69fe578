/**
 * Stand-in routes for Azure AD B2C in Microsoft Graph, from Microsoft's reference pages:
 * trustFramework policies (beta: trustframework-list-trustframeworkpolicies,
 * trustframeworkpolicy-get with $value, trustframework-put-trustframeworkpolicy), policy keys
 * (beta: trustframework-list-keysets, trustframework-post-keysets, trustframeworkkeyset-generatekey,
 * -uploadsecret, -uploadpkcs12), API connectors (v1.0: identityapiconnector-list, -create,
 * -update) and user-flow connector steps (beta: b2cidentityuserflow-get-apiconnectorconfiguration,
 * b2cidentityuserflow-put-apiconnectorconfiguration). A policy is refused, with B2C's own words,
 * when its base policy or a policy key it references is missing; GET …/$value answers the stored
 * text with one byte-order mark in front, as Graph does.
 */
import { randomUUID } from 'node:crypto';
import {
  GraphFault,
  requireContentType,
  requireODataType,
  requireProperties,
  type GraphStore,
  type RouteModule,
} from './standIn';

export const TENANT = 'contoso';

export interface StoredKeySet {
  id: string;
  keys: { kid: string; use: string; kty: string; source: 'generated' | 'secret' | 'pkcs12' }[];
  /** What was uploaded (uploadSecret k, uploadPkcs12 key), kept for the tests. */
  uploaded?: string;
  uploadedPassword?: string;
}
export interface StoredConnector {
  id: string;
  displayName: string;
  targetUrl: string;
  authenticationConfiguration: Record<string, unknown>;
}
export interface StoredUserFlow {
  id: string;
  steps: Partial<Record<'postFederationSignup' | 'postAttributeCollection', string>>;
}

export const policies = (s: GraphStore): Map<string, Buffer> => s.collection<Buffer>('policies');
export const keySets = (s: GraphStore): Map<string, StoredKeySet> => s.collection('keySets');
export const connectors = (s: GraphStore): Map<string, StoredConnector> =>
  s.collection('apiConnectors');
export const userFlows = (s: GraphStore): Map<string, StoredUserFlow> => s.collection('userFlows');

/** A user flow made in the portal (the commands never create one). */
export function addUserFlow(store: GraphStore, id: string): void {
  userFlows(store).set(id, { id, steps: {} });
}

const STEPS = new Set(['postFederationSignup', 'postAttributeCollection']);

const find = <T>(map: Map<string, T>, id: string): [string, T] | undefined =>
  [...map.entries()].find(([key]) => key.toLowerCase() === id.toLowerCase());

function invalidPolicy(id: string, problem: string): GraphFault {
  return new GraphFault(
    400,
    'AADB2C',
    `Validation failed: 1 validation error(s) found in policy "${id.toUpperCase()}" of tenant ` +
      `"${TENANT}.onmicrosoft.com".${problem}`,
  );
}

/** A public view of a connector: the password masked, as Graph answers. */
function shown(connector: StoredConnector): Record<string, unknown> {
  const auth = { ...connector.authenticationConfiguration };
  if (auth['@odata.type'] === '#microsoft.graph.pkcs12Certificate') {
    return {
      ...connector,
      authenticationConfiguration: {
        '@odata.type': '#microsoft.graph.clientCertificateAuthentication',
        certificateList: [{ thumbprint: 'ABCDEF', isActive: true }],
      },
    };
  }
  return { ...connector, authenticationConfiguration: { ...auth, password: '******' } };
}

function checkAuthentication(value: unknown): void {
  const type = (value as Record<string, unknown> | null)?.['@odata.type'];
  if (type === '#microsoft.graph.basicAuthentication') {
    requireProperties(value as Record<string, unknown>, ['username', 'password']);
  } else if (type === '#microsoft.graph.pkcs12Certificate') {
    requireProperties(value as Record<string, unknown>, ['pkcs12Value', 'password']);
  } else {
    requireODataType(value, '#microsoft.graph.basicAuthentication', 'authenticationConfiguration');
  }
}

export const b2cRoutes: RouteModule = (store) => {
  const held = policies(store);
  const sets = keySets(store);
  const apis = connectors(store);
  const flows = userFlows(store);

  const keyAction = (
    path: string,
    required: string[],
    source: StoredKeySet['keys'][number]['source'],
  ): ReturnType<RouteModule>[number] => ({
    method: 'POST',
    path: `/beta/trustFramework/keySets/{id}/${path}`,
    handle(request, { id = '' }) {
      const set = find(sets, id)?.[1];
      if (set === undefined)
        throw new GraphFault(404, 'ResourceNotFound', `Keyset ${id} not found.`);
      const body = request.json();
      requireProperties(body, required);
      if ('use' in body && body.use !== 'sig' && body.use !== 'enc') {
        throw new GraphFault(400, 'BadRequest', "use must be 'sig' or 'enc'.");
      }
      if (source === 'generated' && body.kty !== 'RSA' && body.kty !== 'OCT') {
        throw new GraphFault(400, 'BadRequest', "kty must be 'RSA' or 'OCT'.");
      }
      if (source === 'pkcs12' && !/^[A-Za-z0-9+/]+={0,2}$/.test(String(body.key))) {
        throw new GraphFault(400, 'BadRequest', 'key must be the base-64 PFX content.');
      }
      const key = {
        kid: randomUUID(),
        use: typeof body.use === 'string' ? body.use : 'sig',
        kty: source === 'generated' ? String(body.kty) : source === 'secret' ? 'OCT' : 'RSA',
        source,
      };
      set.keys.push(key);
      if (source === 'secret') set.uploaded = String(body.k);
      if (source === 'pkcs12') {
        set.uploaded = String(body.key);
        set.uploadedPassword = String(body.password);
      }
      return { status: 200, json: { kid: key.kid, use: key.use, kty: key.kty } };
    },
  });

  return [
    {
      method: 'GET',
      path: '/beta/trustFramework/policies',
      handle: () => ({ status: 200, json: { value: [...held.keys()].map((id) => ({ id })) } }),
    },
    {
      method: 'GET',
      path: '/beta/trustFramework/policies/{id}/$value',
      handle(_request, { id = '' }) {
        const found = find(held, id);
        if (found === undefined) throw new GraphFault(404, 'AADB2C', `Policy ${id} not found.`);
        return {
          status: 200,
          text: `\uFEFF${found[1].toString('utf8').replace(/^\uFEFF/, '')}`,
          contentType: 'application/xml',
        };
      },
    },
    {
      method: 'PUT',
      path: '/beta/trustFramework/policies/{id}/$value',
      handle(request, { id = '' }) {
        requireContentType(request, 'application/xml');
        const xml = request.body.toString('utf8');
        const policyId = /<TrustFrameworkPolicy\b[^>]*\bPolicyId="([^"]+)"/.exec(xml)?.[1];
        if (policyId === undefined || policyId.toLowerCase() !== id.toLowerCase()) {
          throw invalidPolicy(
            id,
            `The PolicyId in the policy xml '${policyId ?? ''}' is not the one in the URL.`,
          );
        }
        const tenantId = /<TrustFrameworkPolicy\b[^>]*\bTenantId="([^"]+)"/.exec(xml)?.[1];
        if (tenantId !== `${TENANT}.onmicrosoft.com`) {
          throw invalidPolicy(
            id,
            `TenantId in the policy xml '${tenantId ?? ''}' is not same as the one in login tenant '${TENANT}.onmicrosoft.com'.`,
          );
        }
        const base = /<BasePolicy>[\s\S]*?<PolicyId>([^<]+)<\/PolicyId>/.exec(xml)?.[1];
        if (base !== undefined && find(held, base) === undefined) {
          throw invalidPolicy(
            id,
            `Policy with 'policyId': ${base.toUpperCase()} cannot be found in the directory '${TENANT}.onmicrosoft.com'.`,
          );
        }
        for (const [, key = ''] of xml.matchAll(/StorageReferenceId="([^"]+)"/g)) {
          const set = find(sets, key)?.[1];
          if (set === undefined || set.keys.length === 0) {
            throw invalidPolicy(id, `Container '${key}' is not found or has no active key.`);
          }
        }
        const existing = find(held, id);
        held.set(existing?.[0] ?? policyId, Buffer.from(request.body));
        return {
          status: existing === undefined ? 201 : 200,
          text: xml,
          contentType: 'application/xml',
        };
      },
    },
    {
      method: 'GET',
      path: '/beta/trustFramework/keySets',
      handle: () => ({
        status: 200,
        json: {
          value: [...sets.values()].map((s) => ({
            id: s.id,
            keys: s.keys.map(({ kid, use, kty }) => ({ kid, use, kty })),
          })),
        },
      }),
    },
    {
      method: 'POST',
      path: '/beta/trustFramework/keySets',
      handle(request) {
        const body = request.json();
        requireProperties(body, ['id']);
        const raw = String(body.id);
        const id = /^B2C_1A_/i.test(raw) ? raw : `B2C_1A_${raw}`;
        if (find(sets, id) !== undefined)
          throw new GraphFault(409, 'Conflict', `Keyset ${id} exists.`);
        sets.set(id, { id, keys: [] });
        return {
          status: 201,
          headers: { location: `/trustFramework/keySets('${id}')` },
          json: { id, keys: [] },
        };
      },
    },
    keyAction('generateKey', ['use', 'kty'], 'generated'),
    keyAction('uploadSecret', ['use', 'k'], 'secret'),
    keyAction('uploadPkcs12', ['key', 'password'], 'pkcs12'),
    {
      method: 'GET',
      path: '/v1.0/identity/apiConnectors',
      handle: () => ({ status: 200, json: { value: [...apis.values()].map(shown) } }),
    },
    {
      method: 'POST',
      path: '/v1.0/identity/apiConnectors',
      handle(request) {
        const body = request.json();
        requireProperties(body, ['displayName', 'targetUrl', 'authenticationConfiguration']);
        if (!String(body.targetUrl).startsWith('https://')) {
          throw new GraphFault(400, 'BadRequest', 'targetUrl must be an https URL.');
        }
        checkAuthentication(body.authenticationConfiguration);
        const connector: StoredConnector = {
          id: randomUUID(),
          displayName: String(body.displayName),
          targetUrl: String(body.targetUrl),
          authenticationConfiguration: body.authenticationConfiguration as Record<string, unknown>,
        };
        apis.set(connector.id, connector);
        return { status: 201, json: shown(connector) };
      },
    },
    {
      method: 'PATCH',
      path: '/v1.0/identity/apiConnectors/{id}',
      handle(request, { id = '' }) {
        const connector = apis.get(id);
        if (connector === undefined)
          throw new GraphFault(404, 'ResourceNotFound', `No connector ${id}.`);
        const body = request.json();
        if (body.authenticationConfiguration !== undefined)
          checkAuthentication(body.authenticationConfiguration);
        apis.set(id, { ...connector, ...(body as Partial<StoredConnector>), id });
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/beta/identity/b2cUserFlows/{id}/apiConnectorConfiguration',
      handle(request, { id = '' }) {
        const flow = flows.get(id);
        if (flow === undefined)
          throw new GraphFault(404, 'ResourceNotFound', `No user flow ${id}.`);
        const expand = new Set((request.query.get('$expand') ?? '').split(',').filter(Boolean));
        const json: Record<string, unknown> = {};
        for (const [step, connectorId] of Object.entries(flow.steps)) {
          const connector = apis.get(connectorId);
          if (expand.has(step) && connector !== undefined) json[step] = shown(connector);
        }
        return { status: 200, json };
      },
    },
    {
      method: 'PUT',
      path: '/beta/identity/b2cUserFlows/{id}/apiConnectorConfiguration/{step}/$ref',
      handle(request, { id = '', step = '' }) {
        const flow = flows.get(id);
        if (flow === undefined)
          throw new GraphFault(404, 'ResourceNotFound', `No user flow ${id}.`);
        if (!STEPS.has(step)) throw new GraphFault(400, 'BadRequest', `No step ${step}.`);
        const body = request.json();
        requireProperties(body, ['@odata.id']);
        const match = /\/identity\/apiConnectors\/([^/]+)$/.exec(String(body['@odata.id']));
        if (match?.[1] === undefined || !apis.has(match[1])) {
          throw new GraphFault(
            400,
            'BadRequest',
            `@odata.id ${String(body['@odata.id'])} is no API connector.`,
          );
        }
        flow.steps[step as keyof StoredUserFlow['steps']] = match[1];
        return { status: 204 };
      },
    },
  ];
};
