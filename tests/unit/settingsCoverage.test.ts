/**
 * Every setting the app reads has its place: in local.settings.sample.json, in docs/settings.md, and in
 * the deployment (the app settings of the Function App in the ARM JSON the Bicep compiler made
 * of infra/, .artifacts/infra/main.json), or it is one of the few that are deliberately not set
 * in Azure, each with its reason. A new setting without its place in infra/ fails the build; so
 * does a template setting the app does not read. The names come from the code, not a list.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSettings, compiledTemplate, NO_TEMPLATE } from '../support/armTemplate';

const ROOT = join(__dirname, '..', '..');

/** Settings the app reads that the template does not set, and why. */
const NOT_IN_AZURE: Readonly<Record<string, string>> = {
  TABLES_CONNECTION_STRING: 'the keyless deployment reaches storage with TABLES_ENDPOINT',
  AzureWebJobsStorage: 'the host storage is identity-based (AzureWebJobsStorage__*)',
  AzureWebJobsStorage__tableServiceUri: 'an alternative to TABLES_ENDPOINT, which is set',
  AzureWebJobsStorage__accountName: 'an alternative to TABLES_ENDPOINT, which is set',
  AZURE_FUNCTIONS_ENVIRONMENT: 'never Development in Azure: unset is production',
  PORT: 'the local host of npm start only',
  SEED_DEMO_DATA: 'the local host of npm start only',
  AZURITE_PORT: 'the embedded Azurite of npm start only',
  GRAPH_ENDPOINT: 'read by npm run connect on an admin machine, not by the deployed app',
};

/** Template settings read by the Functions host or the platform, not by the app's code. */
const FOR_THE_HOST = ['AzureWebJobsStorage__blobServiceUri'];

/** Variables npm sets for the tools it runs, not settings. */
const SET_BY_NPM = ['INIT_CWD'];

/** Settings only the tests read (documented in the README, not app settings). */
const TESTS_ONLY = ['B2C_POLICY_XSD', 'FC_SEED', 'CHROMIUM_PATH', 'REQUIRE_CHROMIUM'];

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder)).flatMap((name) => {
    const path = join(ROOT, folder, name);
    if (statSync(path).isDirectory()) return sources(relative(ROOT, path));
    return name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

/** Every setting name the code reads: read/secret/list/… (env, 'NAME') and env.NAME. */
function settingsTheCodeReads(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sources('shared'), ...sources('functions'), ...sources('scripts')]) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(
      /\(\s*env\s*,\s*(?:'[a-z]+'\s*,\s*)?'([A-Za-z][A-Za-z0-9_]*)'/g,
    )) {
      names.add(match[1] as string);
    }
    // Reads, not the SDK switches the app sets for itself (env.X ??= …).
    for (const match of text.matchAll(/\benv\.([A-Za-z0-9_]+)\b(?!\s*\?\?=)/g)) {
      if (!SET_BY_NPM.includes(match[1] as string)) names.add(match[1] as string);
    }
  }
  return names;
}

const read = settingsTheCodeReads();
const compiled = compiledTemplate();
const template = compiled === undefined ? [] : [...appSettings(compiled).keys()];

describe('settings', () => {
  it('are found where the code reads them', () => {
    for (const name of [
      'API_AUTH',
      'TABLES_ENDPOINT',
      'STARTING_BALANCE',
      'PORT',
      'AZURE_CLIENT_ID',
    ]) {
      expect(read, name).toContain(name);
    }
  });

  it('are all in local.settings.sample.json and docs/settings.md', () => {
    const sample = JSON.parse(readFileSync(join(ROOT, 'local.settings.sample.json'), 'utf8')) as {
      Values: Record<string, string>;
    };
    const readme = readFileSync(join(ROOT, 'docs', 'settings.md'), 'utf8');
    for (const name of read) {
      expect(sample.Values, name).toHaveProperty(name);
      expect(readme, name).toContain(`\`${name}\``);
    }
    for (const name of TESTS_ONLY) expect(readme, name).toContain(`\`${name}\``);
  });
});

describe.skipIf(compiled === undefined)(
  `settings in the compiled template${compiled === undefined ? ` (${NO_TEMPLATE})` : ''}`,
  () => {
    it("are read from the Function App's app settings", () => {
      expect(template).toContain('API_AUTH');
      expect(template).toContain('TABLES_ENDPOINT');
    });

    it('each have their place in the deployment, or a reason not to', () => {
      const missing = [...read].filter(
        (name) => !template.includes(name) && !(name in NOT_IN_AZURE),
      );
      expect(missing).toEqual([]);
    });

    it('are all read by the app (or by the Functions host)', () => {
      const unknown = template.filter((name) => !read.has(name) && !FOR_THE_HOST.includes(name));
      expect(unknown).toEqual([]);
    });

    it('never include AZURE_FUNCTIONS_ENVIRONMENT: only the local host sets Development', () => {
      expect(template).not.toContain('AZURE_FUNCTIONS_ENVIRONMENT');
    });
  },
);
