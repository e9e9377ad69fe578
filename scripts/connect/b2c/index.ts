/**
 * `npm run connect -- b2c`: reads the B2C tenant through Microsoft Graph and plans, in order,
 * the policy keys, the two IEF app registrations, the custom policies (base first) and the
 * user-flow API connectors; then applies the plan (see ../plan.ts). Everything that can be
 * wrong with the arguments, the files or the settings is found before the first write.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH, DEFAULT_API_KEY_HEADER } from '../../policy/authKinds';
import { functionUrl } from '../../policy/render';
import { connectGraph, requiredSecret, type Subcommand } from '../common';
import { GraphError, SettingError } from '../graph';
import { applyPlan, type PlanStep } from '../plan';
import { B2C_USAGE, parseB2cArgs, type B2cOptions } from './args';
import {
  connectorSteps,
  findConnector,
  readFlowSteps,
  tokenIssuanceStep,
  type ConnectorAuth,
} from './connectors';
import { findIefApps, type IefIds } from './iefApps';
import { iefAppSteps } from './iefAppSteps';
import { keySources, keySteps, listKeySets, unmakeableKeys } from './keys';
import {
  kitPolicies,
  policySet,
  referencedKeys,
  starterPackPolicies,
  uploadOrder,
  type PolicyToUpload,
} from './policySet';
import { policySteps, readPolicy } from './policySteps';

export const B2C_SUMMARY =
  'connect an Azure AD B2C tenant: policy keys, IEF apps, custom policies, API connectors';

function connectorAuth(context: Parameters<Subcommand>[1], o: B2cOptions): ConnectorAuth {
  if (o.policy.auth === 'certificate' && o.clientCertificate !== undefined) {
    const why = 'the API connectors present --client-certificate with it';
    return {
      kind: 'certificate',
      file: o.clientCertificate,
      password: requiredSecret(context, 'CLIENT_CERT_PASSWORD', why),
    };
  }
  const why = 'the API connectors send it';
  return {
    kind: 'basic',
    username: requiredSecret(context, 'BASIC_AUTH_USERNAME', why),
    password: requiredSecret(context, 'BASIC_AUTH_PASSWORD', why),
  };
}

function afterLines(o: B2cOptions, signUpPolicy: string | undefined): string[] {
  const t = o.tenant;
  const header = o.policy.apiKeyHeader ?? DEFAULT_API_KEY_HEADER;
  const lines = ['Function App settings, so that the API accepts these calls:'];
  for (const setting of AUTH[o.policy.auth].appSettings(header)) lines.push(`  ${setting}`);
  if (signUpPolicy !== undefined) {
    lines.push(
      '',
      `Try ${signUpPolicy}: register a test app (Azure AD B2C → App registrations → New registration,`,
      '  Web reply URL https://jwt.ms, Authentication → Implicit grant: ID tokens), then open',
      `  https://${t}.b2clogin.com/${t}.onmicrosoft.com/oauth2/v2.0/authorize?p=${signUpPolicy}` +
        "&client_id=<the test app's application ID>&nonce=defaultNonce&redirect_uri=https%3A%2F%2Fjwt.ms" +
        '&scope=openid&response_type=id_token&prompt=login',
      `  (or Identity Experience Framework → ${signUpPolicy} → Run now, with that app selected).`,
    );
  }
  return lines;
}

export const runB2c: Subcommand = async (argv, context) => {
  const parsed = parseB2cArgs(argv, context.cwd);
  if (parsed === 'help') {
    context.io.out(B2C_USAGE);
    return 0;
  }
  const o = parsed;
  const { io } = context;
  for (const note of o.policy.notes) io.err(`Warning: ${note}`);

  // Files and settings first: nothing below this block reads or writes the tenant.
  const templateDir = join(context.appRoot, 'policies');
  const starter = starterPackPolicies(o.starterPack, o.tenant);
  const render = (ids: IefIds): PolicyToUpload[] =>
    kitPolicies(templateDir, {
      ...o.policy,
      iefAppId: ids.iefAppId,
      proxyIefAppId: ids.proxyAppId,
    });
  const referenced = [
    ...new Set(policySet(starter, render({})).flatMap((p) => referencedKeys(p.xml))),
  ];
  const sources = keySources(context, {
    referenced,
    auth: o.policy.auth,
    certificateFile: o.clientCertificate,
  });
  const auth = o.userFlows.length > 0 ? connectorAuth(context, o) : undefined;

  const graph = connectGraph(context, `${o.tenant}.onmicrosoft.com`, o.deviceCode);
  const ids: IefIds = {};
  let steps: PlanStep[];
  let ordered: PolicyToUpload[];
  let final: (p: PolicyToUpload) => PolicyToUpload;
  try {
    const keysets = await listKeySets(graph);
    const missing = unmakeableKeys(sources, referenced, keysets);
    if (missing.length > 0) {
      throw new SettingError(
        `the policies reference ${missing.join(', ')}, which the tenant lacks and connect cannot make: ` +
          'create it (Identity Experience Framework → Policy keys → Add) and run again',
      );
    }
    const apps = await findIefApps(graph);
    const appSteps = iefAppSteps(graph, o.tenant, apps, ids);
    const pending = ids.iefAppId === undefined || ids.proxyAppId === undefined;
    const set = policySet(starter, render(ids));
    const held = new Map<string, string | undefined>();
    const bases = set.flatMap((p) => (p.base === undefined ? [] : [p.base]));
    for (const id of new Set([...set.map((p) => p.id), ...bases].map((i) => i.toLowerCase()))) {
      const original =
        [...set.map((p) => p.id), ...bases].find((i) => i.toLowerCase() === id) ?? id;
      held.set(id, await readPolicy(graph, original));
    }
    ordered = uploadOrder(set, (id) => held.get(id.toLowerCase()) !== undefined);
    final = (policy) =>
      policy.from === 'kit' && pending
        ? (render(ids).find((p) => p.id === policy.id) ?? policy)
        : policy;
    steps = [
      ...keySteps(graph, sources, keysets),
      ...appSteps,
      ...policySteps(graph, ordered, held, final, pending),
    ];
    if (auth !== undefined) {
      const flows = new Map<string, Awaited<ReturnType<typeof readFlowSteps>>>();
      for (const flow of o.userFlows) flows.set(flow, await readFlowSteps(graph, flow));
      const target = functionUrl(o.policy.baseUrl, 'ValidateProfile');
      steps.push(...connectorSteps(graph, target, auth, await findConnector(graph), flows));
      for (const flow of o.userFlows)
        steps.push(tokenIssuanceStep(flow, functionUrl(o.policy.baseUrl, 'EnrichToken')));
    }
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    io.err(`Cannot read the tenant: ${error.message}`);
    io.err('Nothing was written.');
    return 1;
  }

  const signUp = ordered.find((p) => p.from === 'kit' && /signup_?signin/i.test(p.id))?.id;
  const code = await applyPlan(
    {
      title: `Connect ${o.tenant}.onmicrosoft.com (Azure AD B2C) to ${o.policy.baseUrl} through ${graph.endpoint}:`,
      steps,
      after: afterLines(o, signUp),
    },
    o,
    io,
  );
  if (o.out !== undefined) {
    mkdirSync(o.out, { recursive: true });
    for (const policy of ordered) writeFileSync(join(o.out, policy.name), final(policy).xml);
  }
  return code;
};
