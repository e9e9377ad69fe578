/**
 * The ARM JSON the real Bicep compiler made of infra/main.bicep (`npm run infra -- build` writes
 * .artifacts/infra/main.json; .ci/run does it before the tests). Tests that read it are skipped
 * where it was not built, saying "skipped: no compiled template".
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const COMPILED_TEMPLATE = join(__dirname, '..', '..', '.artifacts', 'infra', 'main.json');
export const NO_TEMPLATE = 'skipped: no compiled template (npm run infra -- build)';

export interface ArmResource {
  readonly type: string;
  readonly name: string;
  /** languageVersion 2.0 templates (symbolic names) mark `existing` resources. */
  readonly existing?: boolean;
  readonly scope?: string;
  readonly condition?: string | boolean;
  readonly copy?: { readonly name: string; readonly count: string | number };
  readonly sku?: Record<string, unknown>;
  readonly properties?: Record<string, unknown> & { template?: ArmTemplate };
}

export interface ArmTemplate {
  readonly parameters?: Record<string, { type: string; defaultValue?: unknown }>;
  readonly variables?: Record<string, unknown>;
  /** An array, or by symbolic name where the compiler chose languageVersion 2.0. */
  readonly resources: readonly ArmResource[] | Readonly<Record<string, ArmResource>>;
  readonly outputs?: Record<string, { type: string; value: unknown }>;
}

export function compiledTemplate(): ArmTemplate | undefined {
  if (!existsSync(COMPILED_TEMPLATE)) return undefined;
  return JSON.parse(readFileSync(COMPILED_TEMPLATE, 'utf8')) as ArmTemplate;
}

/** The .bicep files (and bicepconfig.json) under infra/ changed after the template was built. */
export function newerThanTemplate(): string[] {
  const built = statSync(COMPILED_TEMPLATE).mtimeMs;
  const infra = join(__dirname, '..', '..', 'infra');
  const walk = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return walk(path);
      return /\.bicep$|^bicepconfig\.json$|^abbreviations\.json$/.test(entry.name) ? [path] : [];
    });
  return walk(infra).filter((path) => statSync(path).mtimeMs > built);
}

/** Every resource the template declares (not those it only refers to as existing). */
export function resourceList(template: ArmTemplate): ArmResource[] {
  const all = Array.isArray(template.resources)
    ? (template.resources as readonly ArmResource[])
    : Object.values(template.resources);
  return all.filter((r) => r.existing !== true);
}

/** The template of the module deployed as `name` (a Microsoft.Resources/deployments resource). */
export function moduleTemplate(template: ArmTemplate, name: string): ArmTemplate {
  const module = resourceList(template).find(
    (r) => r.type === 'Microsoft.Resources/deployments' && r.name === name,
  );
  const inner = module?.properties?.template;
  if (inner === undefined) throw new Error(`no module ${name} in the compiled template`);
  return inner;
}

export function resourcesOf(template: ArmTemplate, type: string): ArmResource[] {
  return resourceList(template).filter((r) => r.type === type);
}

/**
 * The top-level arguments of the first call of `fn(` in an ARM expression, as source text,
 * splitting on commas outside strings ('' is a quote inside one) and brackets.
 */
export function callArguments(expression: string, fn: string): string[] {
  const start = expression.indexOf(`${fn}(`);
  if (start < 0) return [];
  const args: string[] = [];
  let depth = 0;
  let inString = false;
  let current = '';
  for (let i = start + fn.length + 1; i < expression.length; i += 1) {
    const c = expression[i] as string;
    if (inString) {
      current += c;
      if (c === "'" && expression[i + 1] === "'") current += expression[++i];
      else if (c === "'") inString = false;
      continue;
    }
    if (c === "'") inString = true;
    else if (c === '(' || c === '[') depth += 1;
    else if (c === ')' || c === ']') {
      if (depth === 0) {
        args.push(current.trim());
        return args;
      }
      depth -= 1;
    } else if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  throw new Error(`unbalanced call ${fn}( in ${expression.slice(0, 80)}`);
}

/** A string literal of an ARM expression ('it''s' → it's), or undefined for anything else. */
export function literal(argument: string): string | undefined {
  return /^'(?:[^']|'')*'$/.test(argument) ? argument.slice(1, -1).replace(/''/g, "'") : undefined;
}

/**
 * The app settings the api module writes (its Microsoft.Web/sites/config 'appsettings'), name
 * to the source text of its value, read from the createObject(…) the compiler made of them.
 */
export function appSettings(template: ArmTemplate): Map<string, string> {
  const api = moduleTemplate(template, 'api');
  const config = resourcesOf(api, 'Microsoft.Web/sites/config').find((r) =>
    r.name.includes("'appsettings'"),
  );
  const properties = config?.properties;
  const expression = typeof properties === 'string' ? (properties as string) : '';
  const args = callArguments(expression, 'createObject');
  const settings = new Map<string, string>();
  for (let i = 0; i + 1 < args.length; i += 2) {
    const name = literal(args[i] as string);
    if (name === undefined) throw new Error(`app setting name is not a literal: ${args[i]}`);
    settings.set(name, args[i + 1] as string);
  }
  return settings;
}
