/** The shipped policy templates (policies/*.xml) and renderings of them, for the tests. */
import { join } from 'node:path';
import {
  AUTH_KINDS,
  SEND_CLAIMS_IN,
  loadTemplates,
  renderPolicies,
  type AuthKind,
  type PolicyFile,
  type RenderOptions,
  type SendClaimsIn,
} from '../../scripts/policy';
import { PolicySet } from '../../scripts/preview/simulators/b2c';
import { APP_ROOT } from './host';

export const TEMPLATE_DIR = join(APP_ROOT, 'policies');

export function shippedPolicies(): PolicyFile[] {
  return loadTemplates(TEMPLATE_DIR);
}

export function render(options: RenderOptions): PolicyFile[] {
  return [...renderPolicies(shippedPolicies(), options).files];
}

export function policySet(files: readonly PolicyFile[]): PolicySet {
  return new PolicySet(files);
}

export interface Variant {
  readonly auth: AuthKind;
  readonly sendClaimsIn: SendClaimsIn;
}

/** Every --auth with every --send-claims-in. */
export const ALL_VARIANTS: readonly Variant[] = AUTH_KINDS.flatMap((auth) =>
  SEND_CLAIMS_IN.map((sendClaimsIn) => ({ auth, sendClaimsIn })),
);

/** Removes a metadata item from every RESTful technical profile (a policy someone got wrong). */
export function withoutMetadataItem(files: readonly PolicyFile[], key: string): PolicyFile[] {
  const line = new RegExp(`\\n[ \\t]*<Item Key="${key}">[^<]*</Item>`, 'g');
  return files.map((f) => ({ name: f.name, xml: f.xml.replace(line, '') }));
}
