/** The `npm run policy` command: finding the templates, rendering, writing, and what to do next. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { AUTH } from './authKinds';
import {
  DEFAULT_BASE_POLICY,
  PolicyFile,
  Rendering,
  TEMPLATE_TENANT,
  TemplateError,
  UsageError,
} from './model';
import { CliOptions, USAGE, parsePolicyArgs } from './args';
import { renderPolicies } from './render';
import { appVersion } from '../version';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}
// ---------------------------------------------------------------------------------------------
// Files and the command line

/** The directory holding package.json, from this file in scripts/ or in dist/scripts/. */
export function findAppRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'policies'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json with a policies/ folder above ${from}`);
    dir = parent;
  }
}

/** The templates: the .xml files directly in policies/. */
export function loadTemplates(templateDir: string): PolicyFile[] {
  const names = readdirSync(templateDir)
    .filter((name) => name.toLowerCase().endsWith('.xml'))
    .sort();
  if (names.length === 0) throw new TemplateError(`no .xml templates in ${templateDir}`);
  return names.map((name) => ({ name, xml: readFileSync(join(templateDir, name), 'utf8') }));
}

export interface CliContext {
  readonly appRoot: string;
  /** Where a relative --out is resolved (the directory `npm run` was started from). */
  readonly cwd: string;
}

export function runPolicyCli(argv: readonly string[], io: CliIo, context: CliContext): number {
  let options: CliOptions;
  try {
    options = parsePolicyArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`Error: ${error.message}`);
      io.err('Run `npm run policy -- --help` for the options.');
      return 2;
    }
    throw error;
  }
  if (options.help) {
    io.out(USAGE);
    return 0;
  }
  if (options.version === true) {
    io.out(appVersion(context.appRoot));
    return 0;
  }

  const templateDir = join(context.appRoot, 'policies');
  const tenant = options.tenant ?? TEMPLATE_TENANT;
  const outDir =
    options.out === undefined
      ? join(templateDir, 'rendered', tenant)
      : resolve(context.cwd, options.out);
  if (resolve(outDir) === resolve(templateDir)) {
    io.err(`Error: --out ${options.out ?? ''} is the template folder; choose another folder.`);
    return 2;
  }

  let rendering: Rendering;
  try {
    rendering = renderPolicies(loadTemplates(templateDir), options);
    mkdirSync(outDir, { recursive: true });
    for (const file of rendering.files) writeFileSync(join(outDir, file.name), file.xml);
  } catch (error) {
    io.err(`Cannot render the policies: ${(error as Error).message}`);
    return 1;
  }

  const fromCwd = relative(context.cwd, outDir);
  const shown = fromCwd === '' ? '.' : fromCwd.startsWith('..') ? outDir : fromCwd;
  io.out(
    `Rendered ${rendering.files.length} policy files for ${tenant}.onmicrosoft.com into ${shown}:`,
  );
  for (const file of rendering.files) io.out(`  ${file.name}`);
  io.out('');
  io.out(
    `REST technical profiles (${AUTH[options.auth].authenticationType}, SendClaimsIn ${options.sendClaimsIn ?? 'Body'}):`,
  );
  for (const [profile, url] of Object.entries(rendering.serviceUrls)) {
    io.out(`  ${profile.padEnd(22)} ${url}`);
  }
  io.out('');
  if (rendering.policyKeys.length > 0) {
    io.out(
      'Create these policy keys first (Azure AD B2C → Identity Experience Framework → Policy keys → Add):',
    );
    for (const key of rendering.policyKeys) {
      io.out(`  ${key.storageReferenceId.padEnd(32)} ${key.howTo}`);
    }
    io.out('');
  }
  io.out('Function App settings, so that the API accepts these calls:');
  for (const setting of rendering.appSettings) io.out(`  ${setting}`);
  io.out('');
  const starterPack =
    (options.basePolicy ?? DEFAULT_BASE_POLICY) === DEFAULT_BASE_POLICY
      ? 'TrustFrameworkBase.xml and TrustFrameworkLocalization.xml'
      : `TrustFrameworkBase.xml (and the policy ${options.basePolicy ?? ''})`;
  io.out(
    `Upload, in this order: the starter pack's ${starterPack}, then ` +
      `${rendering.files.map((f) => f.name).join(', ')}.`,
  );
  if (rendering.placeholders.length > 0) {
    io.out('');
    io.out('Still to fill in (edit the rendered files, or render again with these options):');
    for (const p of rendering.placeholders) {
      io.out(`  ${p.text.padEnd(40)} ${p.option.padEnd(20)} ${p.meaning} (${p.files.join(', ')})`);
    }
  }
  for (const note of [...options.notes, ...rendering.warnings]) io.err(`Warning: ${note}`);
  return 0;
}
