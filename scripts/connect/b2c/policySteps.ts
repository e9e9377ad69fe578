/**
 * Custom policies (beta `trustFramework/policies`): each read with GET …/{id}/$value and
 * uploaded with PUT …/{id}/$value (application/xml; 200 replaced, 201 created) only when its
 * content differs from what the tenant holds, compared without a byte-order mark.
 */
import type { GraphClient } from '../graph';
import type { PlanStep } from '../plan';
import { withoutBom, type PolicyToUpload } from './policySet';

export const POLICY_PERMISSION =
  'Policy.ReadWrite.TrustFramework (directory role: B2C IEF Policy Administrator)';
const policyPath = (id: string): string =>
  `/beta/trustFramework/policies/${encodeURIComponent(id)}/$value`;

/** The tenant's copy of a policy (its XML), or undefined when it has none. */
export async function readPolicy(graph: GraphClient, id: string): Promise<string | undefined> {
  const answer = await graph.send({
    method: 'GET',
    path: policyPath(id),
    permission: POLICY_PERMISSION,
    accept: [404],
    acceptType: 'application/xml',
  });
  return answer.status === 404 ? undefined : answer.body;
}

export function policySteps(
  graph: GraphClient,
  ordered: readonly PolicyToUpload[],
  held: ReadonlyMap<string, string | undefined>,
  /** The policy as it will be uploaded (app ids known only once the apps exist). */
  final: (policy: PolicyToUpload) => PolicyToUpload,
  /** Whether the content can still change before the upload (IEF apps not there yet). */
  pending: boolean,
): PlanStep[] {
  return ordered.map((policy): PlanStep => {
    const current = held.get(policy.id.toLowerCase());
    const same =
      current !== undefined && !pending && withoutBom(current) === withoutBom(policy.xml);
    if (same)
      return {
        kind: 'policy',
        name: policy.id,
        action: 'unchanged',
        why: `same as ${policy.name}`,
      };
    return {
      kind: 'policy',
      name: policy.id,
      action: current === undefined ? 'create' : 'update',
      why:
        current === undefined
          ? `from ${policy.name} (${policy.from})${policy.base === undefined ? '' : `, after ${policy.base}`}`
          : `${policy.name} differs from the tenant's copy`,
      apply: async () => {
        const upload = final(policy);
        if (current !== undefined && withoutBom(current) === withoutBom(upload.xml)) return;
        await graph.send({
          method: 'PUT',
          path: policyPath(upload.id),
          permission: POLICY_PERMISSION,
          acceptType: 'application/xml',
          text: { body: upload.xml, contentType: 'application/xml' },
        });
      },
    };
  });
}
