/** The command line of `npm run connect -- b2c`: the flags of `npm run policy` plus its own. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { POLICY_OPTIONS, parsePolicyArgs, type CliOptions } from '../../policy/args';
import { UsageError } from '../../policy/model';
import { COMMON_USAGE, parseConnectArgs, type CommonOptions } from '../common';

export const B2C_OPTIONS = {
  ...POLICY_OPTIONS,
  'starter-pack': { type: 'string' },
  'user-flow': { type: 'string', multiple: true },
  'client-certificate': { type: 'string' },
} as const;

export const B2C_USAGE = `Usage: npm run connect -- b2c --tenant NAME --base-url URL --auth KIND --starter-pack DIR [options]

Wires an Azure AD B2C tenant to the API through Microsoft Graph: the policy keys, the
IdentityExperienceFramework and ProxyIdentityExperienceFramework apps, the custom policies (the
starter pack's base and localization, then the kit rendered as \`npm run policy\` does, base
first), and an API connector for each --user-flow. It reads the tenant, prints the plan, and
applies it. Secrets come from the app's settings (environment or local.settings.json):
BASIC_AUTH_USERNAME and BASIC_AUTH_PASSWORD (--auth basic), API_KEY (--auth apikey),
CLIENT_CERT_PASSWORD (--auth certificate, with --client-certificate FILE.pfx).

Required:
  --tenant NAME         the B2C tenant, e.g. contoso (contoso.onmicrosoft.com)
  --base-url URL        the Function App, e.g. https://contoso-b2c.azurewebsites.net
  --auth KIND           basic, apikey, certificate, bearer or none (as for npm run policy)
  --starter-pack DIR    the SocialAndLocalAccounts folder of Microsoft's custom policy starter
                        pack (TrustFrameworkBase.xml, TrustFrameworkLocalization.xml)

Options:
  --user-flow NAME      a user flow (B2C_1_…) to attach the API connector to (repeatable;
                        needs --auth basic or certificate)
  --client-certificate FILE
                        the client certificate (.pfx) for --auth certificate
  --send-claims-in, --api-key-header, --base-policy, --tenant-id, --app-id,
  --facebook-client-id, --out DIR
                        as for npm run policy (--out also writes the files it uploads)
${COMMON_USAGE}

Environment: GRAPH_ENDPOINT (default https://graph.microsoft.com). Sign in first with
  az login --tenant <tenant>.onmicrosoft.com --allow-no-subscriptions
Exit codes: 0 done or nothing to do, 1 a Graph call failed (safe to run again), 2 bad arguments
or a missing setting (nothing written).`;

export interface B2cOptions extends CommonOptions {
  readonly policy: CliOptions;
  readonly tenant: string;
  readonly starterPack: string;
  readonly userFlows: readonly string[];
  readonly clientCertificate?: string | undefined;
  readonly out?: string | undefined;
}

const USER_FLOW = /^B2C_1_[A-Za-z0-9_-]+$/;

export function parseB2cArgs(argv: readonly string[], cwd: string): B2cOptions | 'help' {
  const { common, values } = parseConnectArgs(argv, B2C_OPTIONS);
  if (common.help) return 'help';
  // What `npm run policy` knows, checked by its own parser.
  const policyArgv: string[] = [];
  for (const name of Object.keys(POLICY_OPTIONS)) {
    const value = values[name];
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one === 'string') policyArgv.push(`--${name}`, one);
    }
  }
  const policy = parsePolicyArgs(policyArgv);
  if (policy.iefAppId !== undefined || policy.proxyIefAppId !== undefined) {
    throw new UsageError(
      'connect finds (or creates) the IdentityExperienceFramework apps itself: drop --ief-app-id and --proxy-ief-app-id',
    );
  }
  if (policy.tenant === undefined) throw new UsageError('--tenant is required');
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const starterPack = text('starter-pack');
  if (starterPack === undefined) {
    throw new UsageError(
      "--starter-pack is required: the SocialAndLocalAccounts folder of Microsoft's custom policy starter pack",
    );
  }
  const starterDir = resolve(cwd, starterPack);
  if (!existsSync(starterDir) || !statSync(starterDir).isDirectory()) {
    throw new UsageError(`--starter-pack ${starterPack} is not a folder`);
  }
  const rawFlows = values['user-flow'];
  const userFlows = (Array.isArray(rawFlows) ? rawFlows : []).map(String);
  for (const flow of userFlows) {
    if (!USER_FLOW.test(flow))
      throw new UsageError(`--user-flow '${flow}' is not a user flow name (B2C_1_…)`);
  }
  if (userFlows.length > 0 && policy.auth !== 'basic' && policy.auth !== 'certificate') {
    throw new UsageError(
      `--user-flow needs --auth basic or certificate: user-flow API connectors support only those (got --auth ${policy.auth})`,
    );
  }
  const certificate = text('client-certificate');
  if (policy.auth === 'certificate' && certificate === undefined) {
    throw new UsageError(
      '--auth certificate needs --client-certificate FILE (the .pfx B2C presents)',
    );
  }
  if (certificate !== undefined && policy.auth !== 'certificate') {
    throw new UsageError('--client-certificate goes with --auth certificate');
  }
  const certificateFile = certificate === undefined ? undefined : resolve(cwd, certificate);
  if (certificateFile !== undefined && !existsSync(certificateFile)) {
    throw new UsageError(`--client-certificate ${certificate ?? ''}: no such file`);
  }
  return {
    ...common,
    policy,
    tenant: policy.tenant,
    starterPack: starterDir,
    userFlows: [...new Set(userFlows)],
    clientCertificate: certificateFile,
    out: policy.out === undefined ? undefined : resolve(cwd, policy.out),
  };
}
