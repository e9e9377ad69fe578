/**
 * The policies `connect b2c` uploads: the starter pack's own files (base, localization, … with
 * the tenant name put in for `yourtenant`, as the starter pack's instructions say) and the kit's
 * rendered files (which replace the starter pack's files of the same PolicyId), in upload order:
 * each policy after the base its BasePolicy names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplates } from '../../policy/cli';
import { UsageError, type PolicyFile, type RenderOptions } from '../../policy/model';
import { PLACEHOLDERS, policyIdOf, renderPolicies, replacePlaceholder } from '../../policy/render';

export interface PolicyToUpload {
  readonly id: string;
  readonly name: string;
  /** The base policy this one names, if any. */
  readonly base?: string | undefined;
  readonly xml: string;
  readonly from: 'starter pack' | 'kit';
}

export const basePolicyOf = (xml: string): string | undefined =>
  /<BasePolicy>[\s\S]*?<PolicyId>\s*([^<\s]+)\s*<\/PolicyId>/.exec(xml)?.[1];

/** The policy keys a policy references (StorageReferenceId). */
export function referencedKeys(xml: string): string[] {
  return [...xml.matchAll(/StorageReferenceId="([^"]+)"/g)].map((m) => m[1] ?? '');
}

function toUpload(file: PolicyFile, from: PolicyToUpload['from']): PolicyToUpload {
  const id = policyIdOf(file.xml);
  if (id === undefined) throw new UsageError(`${file.name} (${from}) has no PolicyId`);
  return { id, name: file.name, base: basePolicyOf(file.xml), xml: file.xml, from };
}

/** The starter pack's files with the tenant name put in. */
export function starterPackPolicies(dir: string, tenant: string): PolicyToUpload[] {
  const names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.xml'));
  if (!names.some((n) => n.toLowerCase() === 'trustframeworkbase.xml')) {
    throw new UsageError(`--starter-pack ${dir} has no TrustFrameworkBase.xml`);
  }
  const tenantPlaceholder = PLACEHOLDERS[0];
  return names.map((name) => {
    let xml = readFileSync(join(dir, name), 'utf8');
    if (tenantPlaceholder !== undefined) xml = replacePlaceholder(xml, tenantPlaceholder, tenant);
    return toUpload({ name, xml }, 'starter pack');
  });
}

/** The kit rendered for this tenant and these app ids (`npm run policy`'s renderer). */
export function kitPolicies(templateDir: string, options: RenderOptions): PolicyToUpload[] {
  return renderPolicies(loadTemplates(templateDir), options).files.map((f) => toUpload(f, 'kit'));
}

/**
 * Base first: a policy comes after the policy its BasePolicy names when that one is in the set;
 * a base outside the set must be in the tenant (`inTenant`), or it is an error. Otherwise by name.
 */
export function uploadOrder(
  set: readonly PolicyToUpload[],
  inTenant: (id: string) => boolean,
): PolicyToUpload[] {
  const byId = new Map(set.map((p) => [p.id.toLowerCase(), p]));
  for (const policy of set) {
    if (policy.base === undefined || byId.has(policy.base.toLowerCase())) continue;
    if (!inTenant(policy.base)) {
      throw new UsageError(
        `${policy.name} (${policy.id}) builds on ${policy.base}, which is neither among the files to upload nor in the tenant`,
      );
    }
  }
  const ordered: PolicyToUpload[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (policy: PolicyToUpload): void => {
    const key = policy.id.toLowerCase();
    if (placed.has(key)) return;
    if (visiting.has(key))
      throw new UsageError(`the BasePolicy chain through ${policy.id} is a loop`);
    visiting.add(key);
    const base = policy.base === undefined ? undefined : byId.get(policy.base.toLowerCase());
    if (base !== undefined) place(base);
    visiting.delete(key);
    placed.add(key);
    ordered.push(policy);
  };
  for (const policy of [...set].sort((a, b) => a.name.localeCompare(b.name))) place(policy);
  return ordered;
}

/** Starter pack and kit together; a kit file replaces the starter pack's file of its PolicyId. */
export function policySet(
  starter: readonly PolicyToUpload[],
  kit: readonly PolicyToUpload[],
): PolicyToUpload[] {
  const kitIds = new Set(kit.map((p) => p.id.toLowerCase()));
  return [...starter.filter((p) => !kitIds.has(p.id.toLowerCase())), ...kit];
}

/** Content as Graph compares it: without a byte-order mark. */
export const withoutBom = (text: string): string => text.replace(/^\uFEFF+/, '');
