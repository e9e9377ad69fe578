/** Reading custom-policy XML into the simulator's model (policyTypes.ts). */
import { XMLParser } from 'fast-xml-parser';
import type {
  ClaimRef,
  OrchestrationStep,
  PolicyDocument,
  RelyingParty,
  TechnicalProfile,
  UserJourney,
} from './policyTypes';

const REPEATED = new Set([
  'ClaimType',
  'ClaimsProvider',
  'TechnicalProfile',
  'Item',
  'Key',
  'InputClaim',
  'OutputClaim',
  'PersistedClaim',
  'ValidationTechnicalProfile',
  'UserJourney',
  'OrchestrationStep',
  'Precondition',
  'Value',
  'ClaimsExchange',
  'ClaimsProviderSelection',
  'AuthorizationTechnicalProfile',
  'Endpoint',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

export type Node = Record<string, unknown>;

export function node(value: unknown): Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Node)
    : {};
}

function nodes(value: unknown): Node[] {
  return Array.isArray(value) ? value.map(node) : value === undefined ? [] : [node(value)];
}

function attr(n: Node, name: string): string | undefined {
  const value = n[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

function requiredAttr(n: Node, name: string, where: string): string {
  const value = attr(n, name);
  if (value === undefined) throw new Error(`${where}: missing attribute ${name}`);
  return value;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const inner = node(value)['#text'];
  return typeof inner === 'string' ? inner : '';
}

function claimRefs(container: unknown, element: string): ClaimRef[] {
  return nodes(node(container)[element]).map((c) => {
    const partnerClaimType = attr(c, 'PartnerClaimType');
    const defaultValue = attr(c, 'DefaultValue');
    return {
      claimTypeReferenceId: requiredAttr(c, 'ClaimTypeReferenceId', element),
      ...(partnerClaimType === undefined ? {} : { partnerClaimType }),
      ...(defaultValue === undefined ? {} : { defaultValue }),
      alwaysUseDefaultValue: attr(c, 'AlwaysUseDefaultValue')?.toLowerCase() === 'true',
      required: attr(c, 'Required')?.toLowerCase() === 'true',
    };
  });
}

function technicalProfile(n: Node, file: string): TechnicalProfile {
  const id = requiredAttr(n, 'Id', 'TechnicalProfile');
  const protocol = n.Protocol === undefined ? undefined : node(n.Protocol);
  const metadata = new Map<string, string>();
  for (const item of nodes(node(n.Metadata).Item)) {
    metadata.set(requiredAttr(item, 'Key', `${id} metadata`), text(item));
  }
  const handler = protocol === undefined ? undefined : attr(protocol, 'Handler');
  const outputTokenFormat =
    typeof n.OutputTokenFormat === 'string' ? n.OutputTokenFormat : undefined;
  return {
    id,
    file,
    ...(protocol === undefined
      ? {}
      : {
          protocol: {
            name: requiredAttr(protocol, 'Name', `${id} Protocol`),
            ...(handler === undefined ? {} : { handler }),
          },
        }),
    metadata,
    cryptographicKeys: nodes(node(n.CryptographicKeys).Key).map((k) => ({
      id: requiredAttr(k, 'Id', `${id} key`),
      storageReferenceId: requiredAttr(k, 'StorageReferenceId', `${id} key`),
    })),
    ...(outputTokenFormat === undefined ? {} : { outputTokenFormat }),
    inputClaims: claimRefs(n.InputClaims, 'InputClaim'),
    outputClaims: claimRefs(n.OutputClaims, 'OutputClaim'),
    validationTechnicalProfiles: nodes(
      node(n.ValidationTechnicalProfiles).ValidationTechnicalProfile,
    ).map((v) => requiredAttr(v, 'ReferenceId', `${id} validation technical profile`)),
  };
}

function orchestrationStep(n: Node, journey: string): OrchestrationStep {
  const order = Number(requiredAttr(n, 'Order', `${journey} step`));
  const issuer = attr(n, 'CpimIssuerTechnicalProfileReferenceId');
  return {
    order,
    type: requiredAttr(n, 'Type', `${journey} step ${order}`),
    ...(issuer === undefined ? {} : { cpimIssuerTechnicalProfileReferenceId: issuer }),
    preconditions: nodes(node(n.Preconditions).Precondition).map((p) => {
      const type = requiredAttr(p, 'Type', `${journey} step ${order} precondition`);
      if (type !== 'ClaimsExist' && type !== 'ClaimEquals') {
        throw new Error(`${journey} step ${order}: precondition ${type} is not modelled`);
      }
      return {
        type,
        executeActionsIf: requiredAttr(p, 'ExecuteActionsIf', 'precondition') === 'true',
        values: Array.isArray(p.Value) ? p.Value.map(text) : [],
        action: text(p.Action),
      };
    }),
    claimsExchanges: nodes(node(n.ClaimsExchanges).ClaimsExchange).map((e) => ({
      id: requiredAttr(e, 'Id', `${journey} step ${order} exchange`),
      technicalProfileReferenceId: requiredAttr(e, 'TechnicalProfileReferenceId', 'exchange'),
    })),
  };
}

/** Reads one policy file. */
export function parsePolicy(name: string, xml: string): PolicyDocument {
  const root = node(parser.parse(xml).TrustFrameworkPolicy);
  const policyId = requiredAttr(root, 'PolicyId', name);
  const basePolicy = root.BasePolicy === undefined ? undefined : node(root.BasePolicy);
  const claimTypes = new Map<string, { dataType: string }>();
  for (const c of nodes(node(node(root.BuildingBlocks).ClaimsSchema).ClaimType)) {
    claimTypes.set(requiredAttr(c, 'Id', 'ClaimType'), { dataType: text(c.DataType) });
  }
  const technicalProfiles = nodes(node(root.ClaimsProviders).ClaimsProvider).flatMap((cp) =>
    nodes(node(cp.TechnicalProfiles).TechnicalProfile).map((tp) => technicalProfile(tp, name)),
  );
  const userJourneys = nodes(node(root.UserJourneys).UserJourney).map((j) => {
    const id = requiredAttr(j, 'Id', 'UserJourney');
    return {
      id,
      file: name,
      authorizationTechnicalProfiles: nodes(
        node(node(j.Authorization).AuthorizationTechnicalProfiles).AuthorizationTechnicalProfile,
      ).map((a) => requiredAttr(a, 'ReferenceId', `${id} authorization`)),
      steps: nodes(node(j.OrchestrationSteps).OrchestrationStep)
        .map((s) => orchestrationStep(s, id))
        .sort((a, b) => a.order - b.order),
    };
  });
  let relyingParty: RelyingParty | undefined;
  if (root.RelyingParty !== undefined) {
    const rp = node(root.RelyingParty);
    const profile = nodes(rp.TechnicalProfile)[0] ?? {};
    relyingParty = {
      policyId,
      defaultUserJourney: requiredAttr(node(rp.DefaultUserJourney), 'ReferenceId', name),
      endpoints: new Map(
        nodes(node(rp.Endpoints).Endpoint).map((e) => [
          requiredAttr(e, 'Id', 'Endpoint'),
          requiredAttr(e, 'UserJourneyReferenceId', 'Endpoint'),
        ]),
      ),
      outputClaims: claimRefs(profile.OutputClaims, 'OutputClaim'),
    };
  }
  const basePolicyId = basePolicy === undefined ? undefined : text(basePolicy.PolicyId);
  return {
    name,
    policyId,
    tenantId: requiredAttr(root, 'TenantId', name),
    ...(basePolicyId === undefined ? {} : { basePolicyId }),
    claimTypes,
    technicalProfiles,
    userJourneys,
    ...(relyingParty === undefined ? {} : { relyingParty }),
  };
}

/** The policy files B2C would merge (ours only: the starter pack's base is not in the repo). */
export class PolicySet {
  readonly documents: readonly PolicyDocument[];

  constructor(files: readonly { readonly name: string; readonly xml: string }[]) {
    this.documents = files.map((f) => parsePolicy(f.name, f.xml));
    const seen = new Map<string, string>();
    for (const doc of this.documents) {
      for (const tp of doc.technicalProfiles) {
        const other = seen.get(tp.id);
        if (other !== undefined) {
          throw new Error(`technical profile ${tp.id} is defined in ${other} and ${doc.name}`);
        }
        seen.set(tp.id, doc.name);
      }
    }
  }

  technicalProfile(id: string): TechnicalProfile | undefined {
    for (const doc of this.documents) {
      const found = doc.technicalProfiles.find((tp) => tp.id === id);
      if (found) return found;
    }
    return undefined;
  }

  restProfile(id: string): TechnicalProfile {
    const tp = this.technicalProfile(id);
    if (tp === undefined || !isRestful(tp)) throw new Error(`no RESTful technical profile ${id}`);
    return tp;
  }

  journey(id: string): UserJourney {
    for (const doc of this.documents) {
      const found = doc.userJourneys.find((j) => j.id === id);
      if (found) return found;
    }
    throw new Error(`no user journey ${id}`);
  }

  relyingParty(policyId: string): RelyingParty {
    const rp = this.documents.find((d) => d.relyingParty?.policyId === policyId)?.relyingParty;
    if (rp === undefined) throw new Error(`no relying party policy ${policyId}`);
    return rp;
  }

  dataType(claimTypeId: string): string {
    for (const doc of this.documents) {
      const found = doc.claimTypes.get(claimTypeId);
      if (found) return found.dataType;
    }
    return 'string'; // the base policy's claims used here (email, objectId, …) are strings
  }
}

export function isRestful(tp: TechnicalProfile): boolean {
  return tp.protocol?.handler?.startsWith('Web.TPEngine.Providers.RestfulProvider') === true;
}

export function isSelfAsserted(tp: TechnicalProfile | undefined): boolean {
  return (
    tp?.protocol?.handler?.startsWith('Web.TPEngine.Providers.SelfAssertedAttributeProvider') ===
    true
  );
}
