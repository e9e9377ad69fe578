/**
 * What `npm run connect -- b2c|entra` share: the common flags, the context a subcommand runs in,
 * the Graph client for the tenant, and the app's own settings (from the environment, else
 * local.settings.json) for secrets, which never come from a flag and are never printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TokenCredential } from '@azure/identity';
import { explainArgsError } from '../suggest';
import { UsageError } from '../policy/model';
import { connectCredential } from './credential';
import { createGraphClient, graphEndpoint, SettingError, type GraphClient } from './graph';
import type { ApplyOptions, PlanIo } from './plan';

export const COMMON_OPTIONS = {
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  'device-code': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const COMMON_USAGE = `  --dry-run             read the tenant and print the plan; write nothing
  --yes, -y             apply without asking (it asks only when stdin is a terminal)
  --json                print the plan (and what was written) as JSON
  --device-code         sign in with a device code instead of DefaultAzureCredential
  -h, --help            this text`;

export interface CommonOptions extends ApplyOptions {
  readonly deviceCode: boolean;
  readonly help: boolean;
}

export type ArgValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Parses argv with the common flags and a subcommand's own; a mistake is a UsageError. */
export function parseConnectArgs(
  argv: readonly string[],
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>,
): { common: CommonOptions; values: ArgValues } {
  const all = { ...options, ...COMMON_OPTIONS };
  let values: ArgValues;
  try {
    values = parseArgs({ args: [...argv], options: all, allowPositionals: false, strict: true })
      .values as ArgValues;
  } catch (error) {
    throw new UsageError(explainArgsError(error, Object.keys(all)));
  }
  const flag = (name: string): boolean => values[name] === true;
  return {
    common: {
      dryRun: flag('dry-run'),
      yes: flag('yes'),
      json: flag('json'),
      deviceCode: flag('device-code'),
      help: flag('help'),
    },
    values,
  };
}

/** Everything a subcommand gets from outside: files, settings, terminal and credential. */
export interface ConnectContext {
  /** The app's folder (package.json, policies/, local.settings.json). */
  readonly appRoot: string;
  /** Where relative paths on the command line are resolved. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly io: PlanIo;
  /** Overrides the credential (tests in-process); default from --device-code / the tenant. */
  readonly credential?: TokenCredential;
}

export type Subcommand = (argv: readonly string[], context: ConnectContext) => Promise<number>;

/** The Graph client for a tenant (GRAPH_ENDPOINT; a bad one is a SettingError). */
export function connectGraph(
  context: ConnectContext,
  tenantId: string | undefined,
  deviceCode: boolean,
): GraphClient {
  const endpoint = graphEndpoint(context.env);
  const credential =
    context.credential ?? connectCredential({ tenantId, deviceCode, prompt: context.io.err });
  return createGraphClient({ endpoint, credential });
}

/** The Values of local.settings.json in the folder the command runs from, if it is there. */
function localSettings(folder: string): Record<string, unknown> {
  const file = join(folder, 'local.settings.json');
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
    return parsed.Values ?? {};
  } catch {
    throw new SettingError(`${file} is not valid JSON`);
  }
}

/**
 * One of the app's settings: the environment first, else local.settings.json in the folder the
 * command runs from (`npm run` at the app's root: the app's own file); '' is unset.
 */
export function appSetting(context: ConnectContext, name: string): string | undefined {
  const fromEnv = context.env[name];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const value = localSettings(context.cwd)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A secret setting that must be set: a SettingError naming it (never its value) otherwise. */
export function requiredSecret(context: ConnectContext, name: string, why: string): string {
  const value = appSetting(context, name);
  if (value === undefined) {
    throw new SettingError(
      `${name} is not set (${why}): set it in the environment or in local.settings.json. ` +
        'Secrets never come from a flag.',
    );
  }
  return value;
}
