/**
 * The deployment as the real Bicep compiler made it (.artifacts/infra/main.json, written by
 * `npm run infra -- build`; .ci/run builds it before the tests): the plan, the storage account's
 * keys, the identity's roles, the secrets, the outputs and the certificate refusal are read from
 * the ARM JSON, not from the Bicep text. Skipped, saying so, where the template was not built.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appSettings,
  compiledTemplate,
  moduleTemplate,
  newerThanTemplate,
  NO_TEMPLATE,
  resourcesOf,
  type ArmTemplate,
} from '../support/armTemplate';

const ROOT = join(__dirname, '..', '..');
const compiled = compiledTemplate();

/** Built-in role definition ids (Azure built-in roles reference). */
const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
};

function template(): ArmTemplate {
  if (compiled === undefined) throw new Error(NO_TEMPLATE);
  return compiled;
}

/** Each role assignment of the rbac module as "principal parameter · role GUID · scope type". */
function roleAssignments(): string[] {
  const rbac = moduleTemplate(template(), 'rbac');
  const roles = (rbac.variables?.roles ?? {}) as Record<string, string>;
  return resourcesOf(rbac, 'Microsoft.Authorization/roleAssignments').map((r) => {
    const properties = r.properties as Record<string, string>;
    const roleName = /variables\('roles'\)\.(\w+)/.exec(properties.roleDefinitionId ?? '')?.[1];
    const principal = /parameters\('(\w+)'\)/.exec(properties.principalId ?? '')?.[1];
    const scope = /resourceId\('([^']+)'/.exec(r.scope ?? '')?.[1];
    const guid = roleName === undefined ? roleName : roles[roleName];
    return `${principal} · ${guid} · ${scope}${r.condition === undefined ? '' : ' (if given)'}`;
  });
}

describe.skipIf(compiled === undefined)(
  `the compiled template${compiled === undefined ? ` (${NO_TEMPLATE})` : ''}`,
  () => {
    it('is newer than every file under infra/ (else: npm run infra -- build)', () => {
      expect(newerThanTemplate()).toEqual([]);
    });

    it('runs the app on Flex Consumption (FC1), Node.js 22, with the always-ready http group', () => {
      const api = moduleTemplate(template(), 'api');
      const [plan] = resourcesOf(api, 'Microsoft.Web/serverfarms');
      expect(plan?.sku).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
      const [site] = resourcesOf(api, 'Microsoft.Web/sites');
      const config = site?.properties?.functionAppConfig as {
        runtime: unknown;
        scaleAndConcurrency: { alwaysReady: string };
      };
      expect(config.runtime).toEqual({ name: 'node', version: '22' });
      expect(config.scaleAndConcurrency.alwaysReady).toBe("[variables('alwaysReady')]");
      expect(String(api.variables?.alwaysReady)).toContain(
        "createObject('name', 'http', 'instanceCount', parameters('alwaysReadyInstances'))",
      );
      expect(template().parameters?.alwaysReadyInstances?.defaultValue).toBe(1);
    });

    it('turns shared-key access off on the storage account and local auth off on App Insights', () => {
      const [account] = resourcesOf(
        moduleTemplate(template(), 'storage'),
        'Microsoft.Storage/storageAccounts',
      );
      expect(account?.properties?.allowSharedKeyAccess).toBe(false);
      const [insights] = resourcesOf(
        moduleTemplate(template(), 'monitoring'),
        'Microsoft.Insights/components',
      );
      expect(insights?.properties?.DisableLocalAuth).toBe(true);
    });

    it('has no storage connection string or account key anywhere: identity only', () => {
      const text = JSON.stringify(template());
      expect(text).not.toMatch(/listKeys\(|AccountKey=|SharedAccessSignature/i);
      const settings = appSettings(template());
      expect(settings.has('AzureWebJobsStorage')).toBe(false);
      expect(settings.has('TABLES_CONNECTION_STRING')).toBe(false);
      expect(settings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
      expect([...settings.keys()].filter((n) => /CONNECTION_STRING/.test(n))).toEqual([
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
      ]);
    });

    it('gives the identity exactly the roles it needs, by built-in GUID, at the narrowest scope', () => {
      expect(roleAssignments().sort()).toEqual(
        [
          `identityPrincipalId · ${ROLE.storageBlobDataOwner} · Microsoft.Storage/storageAccounts`,
          `identityPrincipalId · ${ROLE.storageTableDataContributor} · Microsoft.Storage/storageAccounts`,
          `identityPrincipalId · ${ROLE.monitoringMetricsPublisher} · Microsoft.Insights/components`,
          `identityPrincipalId · ${ROLE.keyVaultSecretsUser} · Microsoft.KeyVault/vaults/secrets`,
          `operatorPrincipalId · ${ROLE.storageTableDataContributor} · Microsoft.Storage/storageAccounts (if given)`,
          `operatorPrincipalId · ${ROLE.storageBlobDataOwner} · Microsoft.Storage/storageAccounts (if given)`,
        ].sort(),
      );
    });

    it('sets every secret the vault holds as a Key Vault reference, never its value', () => {
      const vault = moduleTemplate(template(), 'keyvault');
      const secrets = Object.keys(vault.outputs?.referenceUris?.value as Record<string, string>);
      expect(secrets).toContain('API_KEY');
      const api = moduleTemplate(template(), 'api');
      const references = (api.variables?.keyVaultReference ?? {}) as Record<string, string>;
      const settings = appSettings(template());
      for (const name of secrets) {
        expect(settings.get(name), name).toBe(`variables('keyVaultReference').${name}`);
        expect(references[name], name).toContain("'@Microsoft.KeyVault(SecretUri={0})'");
      }
      // Every @secure() parameter goes to the vault module and nowhere else.
      const secure = Object.entries(template().parameters ?? {})
        .filter(([, p]) => p.type === 'securestring')
        .map(([name]) => `parameters('${name}')`);
      expect(secure.length).toBe(secrets.length);
      const apiModule = JSON.stringify(
        resourcesOf(template(), 'Microsoft.Resources/deployments').filter(
          (r) => r.name !== 'keyvault',
        ),
      );
      for (const parameter of secure) expect(apiModule).not.toContain(parameter);
    });

    it('refuses API_AUTH=certificate before anything is made: no client certificates on Flex', () => {
      const [group] = resourcesOf(template(), 'Microsoft.Resources/resourceGroups');
      expect(group?.name).toMatch(/^\[if\(variables\('certificateRequested'\), fail\(/);
      expect(String(template().variables?.certificateRequested)).toContain(
        "contains(variables('callerChecks'), 'certificate')",
      );
      expect(String(template().variables?.certificateRefusal)).toMatch(
        /API_AUTH=certificate .*Flex Consumption/,
      );
      const [site] = resourcesOf(moduleTemplate(template(), 'api'), 'Microsoft.Web/sites');
      expect(site?.properties).not.toHaveProperty('clientCertEnabled');
    });

    it('names a new Key Vault when KEY_VAULT_NAME_SEED is set (after azd down)', () => {
      const name = String(template().variables?.keyVaultName);
      expect(name).toMatch(/^\[if\(empty\(parameters\('keyVaultNameSeed'\)\)/);
      expect(name).toContain(
        "uniqueString(variables('resourceToken'), parameters('keyVaultNameSeed'))",
      );
      const azure = readFileSync(join(ROOT, 'azure.yaml'), 'utf8');
      expect(azure).toMatch(/postdown:[\s\S]*scripts\/azd-postdown\.mjs/);
    });

    it('has exactly the outputs infra/README.md lists, the ones azd writes to the environment', () => {
      const readme = readFileSync(join(ROOT, 'infra', 'README.md'), 'utf8');
      const section = readme.slice(readme.indexOf('## Outputs'), readme.indexOf('## Secrets'));
      const listed = [...section.matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]);
      expect(listed.length).toBeGreaterThan(5);
      expect(Object.keys(template().outputs ?? {}).sort()).toEqual(listed.sort());
      // And the ones docs/deploy.md tells a user `azd env get-values` shows.
      const top = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
      const shown = /`azd env get-values` shows the outputs: ([^.]*)\./.exec(top)?.[1] ?? '';
      const named = [...shown.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1] as string);
      expect(named.length).toBeGreaterThan(5);
      for (const name of named) expect(listed, name).toContain(name);
    });
  },
);
