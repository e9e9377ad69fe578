/**
 * `npm run connect -- entra`: wires a Microsoft Entra External ID tenant to the deployed API.
 * Reads the tenant (read.ts), plans what differs (steps.ts, diff.ts, from desired.ts), applies
 * it with consent (plan.ts), has Graph validate every extension (validate.ts), and prints the
 * API's settings that match the registration. Exit codes: 0 done or nothing to do, 1 a Graph
 * call failed or an extension did not validate, 2 bad arguments or an --app / --user-flow the
 * tenant does not have (nothing written).
 */
import type { Subcommand } from './common';
import { connectGraph } from './common';
import { GraphError } from './graph';
import { applyPlan, type Plan } from './plan';
import { apiSettings } from './entra/desired';
import { NotInTenantError, type TenantSnapshot } from './entra/model';
import { ENTRA_USAGE, parseEntraArgs } from './entra/options';
import { readTenant } from './entra/read';
import { buildSteps, liveOf, PENDING } from './entra/steps';
import { validateExtensions, validationLines, type Validation } from './entra/validate';

export const ENTRA_SUMMARY =
  'connect an Entra External ID tenant (app registration, custom authentication extensions, listener, claims mapping)';

export const runEntra: Subcommand = async (argv, context) => {
  const options = parseEntraArgs(argv);
  const { io } = context;
  if (options === 'help') {
    io.out(ENTRA_USAGE);
    return 0;
  }
  const graph = connectGraph(context, options.tenantId, options.deviceCode);
  let tenant: TenantSnapshot;
  try {
    tenant = await readTenant(graph, options);
  } catch (error) {
    if (error instanceof NotInTenantError) {
      io.err(`Error: ${error.message}. Nothing written.`);
      return 2;
    }
    if (error instanceof GraphError) {
      io.err(`Failed: ${error.message}`);
      return 1;
    }
    throw error;
  }

  const live = liveOf(tenant);
  const plan: Plan = {
    title: `Connect the Entra External ID tenant ${options.tenantId} to ${options.baseUrl} (events: ${options.events.join(', ')})`,
    steps: buildSteps(graph, options, tenant, live),
    after: [],
  };
  // With --json, the plan's document gets the validation and the settings before it is printed.
  const planned: string[] = [];
  const code = await applyPlan(
    plan,
    options,
    options.json ? { ...io, out: (l) => planned.push(l) } : io,
  );

  let validation: Validation[] = [];
  let failed = code !== 0;
  if (!failed) {
    try {
      validation = await validateExtensions(graph, live.extensionIds, options.events);
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      io.err(`Failed: ${error.message}`);
      failed = true;
    }
  }
  const { errors, warnings } = validationLines(validation);
  for (const line of warnings) io.err(`Warning: ${line}`);
  for (const line of errors) io.err(`Error: ${line}`);
  if (errors.length > 0) {
    io.err('Graph found the extension configuration invalid: fix the above and run again.');
    failed = true;
  }

  const settings = apiSettings(options, live.apiAppId ?? PENDING);
  if (options.json) {
    const document = JSON.parse(planned.join('\n') || '{}') as Record<string, unknown>;
    io.out(JSON.stringify({ ...document, validation, settings }, null, 2));
  } else if (!failed) {
    io.out('');
    io.out(
      'The API app settings for this registration (API_AUTH may list other checks beside entra):',
    );
    for (const [name, value] of Object.entries(settings)) io.out(`${name}=${value}`);
  }
  return failed ? 1 : 0;
};
