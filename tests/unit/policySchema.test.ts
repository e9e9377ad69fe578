/**
 * Every shipped and rendered policy file against Microsoft's schema (B2C_POLICY_XSD, or
 * policies/schema/, read at test time), with libxml2. Skipped when the schema is not there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_BASE_URL } from '../../scripts/policy';
import { APP_ROOT } from '../support/host';
import { ALL_VARIANTS, render, shippedPolicies } from '../support/policyKit';
import {
  hasPolicySchema,
  policySchema,
  policySchemaPath,
  validatePolicies,
} from '../support/policySchema';
import { LOCAL_SCHEMA_PATH } from '../support/policySchemaPath';

/** .xsd files in the repo, outside installed, generated and ignored folders. */
function schemaFilesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', 'dist', '.git', '.azurite', 'coverage'].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (path === join(APP_ROOT, 'policies', 'schema')) return []; // ignored: the documented place
    if (entry.isDirectory()) return schemaFilesIn(path);
    return entry.name.toLowerCase().endsWith('.xsd') ? [path] : [];
  });
}

const CONTENT_DEFINITION = `<?xml version="1.0" encoding="utf-8"?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06" PolicySchemaVersion="0.3.0.0" TenantId="yourtenant.onmicrosoft.com" PolicyId="B2C_1A_x" PublicPolicyUri="http://yourtenant.onmicrosoft.com/B2C_1A_x">
  <BuildingBlocks>
    <ContentDefinitions>
      <ContentDefinition Id="api.selfasserted">
        <LoadUri>~/tenant/templates/AzureBlue/selfAsserted.cshtml</LoadUri>
        <RecoveryUri>~/common/default_page_error.html</RecoveryUri>
        <DataUri>urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.7</DataUri>
      </ContentDefinition>
    </ContentDefinitions>
  </BuildingBlocks>
</TrustFrameworkPolicy>`;

describe('where the schema is read from', () => {
  it('is B2C_POLICY_XSD, else the ignored policies/schema/, and no copy of it is in the repo', () => {
    const given = process.env.B2C_POLICY_XSD;
    expect(policySchemaPath()).toBe(given ? resolve(given) : LOCAL_SCHEMA_PATH);
    expect(readFileSync(join(APP_ROOT, '.gitignore'), 'utf8')).toContain('policies/schema/');
    expect(schemaFilesIn(APP_ROOT)).toEqual([]);
  });
});

describe.skipIf(!hasPolicySchema())("Microsoft's policy schema", () => {
  it('is the custom policy schema', () => {
    expect(policySchema().original).toContain(
      'targetNamespace="http://schemas.microsoft.com/online/cpim/schemas/2013/06"',
    );
  });

  it('loses only its three .NET-anchored (^…$) patterns before libxml2 validates with it', () => {
    expect(policySchema().stripped.map((s) => s.simpleType)).toEqual([
      'ContentUriTYPE',
      'ContentUriTYPE',
      'urlTYPE',
    ]);
    for (const { pattern } of policySchema().stripped) expect(pattern).toMatch(/^\^.*\$$/);
    expect(policySchema().xsd.match(/<xs:pattern /g)).toHaveLength(
      (policySchema().original.match(/<xs:pattern /g) ?? []).length - 3,
    );
  });

  it('as shipped, makes libxml2 reject the starter pack’s own content definition URIs; without those patterns it accepts them', async () => {
    const files = [{ name: 'content.xml', xml: CONTENT_DEFINITION }];
    const original = await validatePolicies(files, policySchema().original);
    expect(original.valid).toBe(false);
    expect(original.errors.join('\n')).toContain("is not accepted by the pattern '^urn:");
    expect(await validatePolicies(files)).toEqual({ valid: true, errors: [] });
  });

  it('catches a policy that breaks it (validation is not vacuous)', async () => {
    const [extensions] = shippedPolicies().filter((f) => f.name === 'TrustFrameworkExtensions.xml');
    if (extensions === undefined) throw new Error('no TrustFrameworkExtensions.xml');
    const broken = [
      // CryptographicKeys after InputClaims: out of the schema's sequence
      {
        name: 'order.xml',
        xml: extensions.xml.replace(
          /(\n[ \t]*<CryptographicKeys>\n[ \t]*<Key Id="x-api-key"[^\n]*\n[ \t]*<\/CryptographicKeys>)([\s\S]*?<\/InputClaims>)/,
          '$2$1',
        ),
      },
      // two orchestration steps with the same Order
      { name: 'order-twice.xml', xml: extensions.xml.replace('Order="8"', 'Order="7"') },
      // an attribute the schema does not know
      {
        name: 'attribute.xml',
        xml: extensions.xml.replace(
          '<InputClaim ClaimTypeReferenceId="objectId" />',
          '<InputClaim ClaimTypeReferenceId="objectId" Partner="x" />',
        ),
      },
    ];
    for (const file of broken) {
      expect(file.xml).not.toBe(extensions.xml);
      const verdict = await validatePolicies([file]);
      expect(verdict.valid, file.name).toBe(false);
      expect(verdict.errors.join('\n')).toContain(file.name);
    }
  });
});

describe.skipIf(!hasPolicySchema())('the policy files against the schema', () => {
  it('accepts every shipped template', async () => {
    expect(await validatePolicies(shippedPolicies())).toEqual({ valid: true, errors: [] });
  });

  it('accepts every rendering: each --auth with each --send-claims-in, and one with every option', async () => {
    const files = ALL_VARIANTS.flatMap(({ auth, sendClaimsIn }) =>
      render({
        baseUrl: 'https://contoso-b2c.azurewebsites.net',
        auth,
        sendClaimsIn,
        tenant: 'contoso',
      }).map((f) => ({ name: `${auth}-${sendClaimsIn}-${f.name}`, xml: f.xml })),
    );
    files.push(
      ...render({
        baseUrl: TEMPLATE_BASE_URL,
        auth: 'apikey',
        apiKeyHeader: 'x-functions-key',
        tenant: 'fabrikam',
        basePolicy: 'B2C_1A_TrustFrameworkBase',
        tenantId: 'bbbbbbbb-0000-0000-0000-000000000003',
        appIds: ['cccccccc-0000-0000-0000-000000000004', 'cccccccc-0000-0000-0000-000000000005'],
        iefAppId: 'aaaaaaaa-0000-0000-0000-000000000002',
        proxyIefAppId: 'aaaaaaaa-0000-0000-0000-000000000001',
        facebookClientId: '1234567890',
      }).map((f) => ({ name: `all-options-${f.name}`, xml: f.xml })),
      ...render({ baseUrl: 'http://127.0.0.1:7999', auth: 'none' }).map((f) => ({
        name: `loopback-${f.name}`,
        xml: f.xml,
      })),
    );
    expect(files).toHaveLength(ALL_VARIANTS.length * 4 + 8);
    expect(await validatePolicies(files)).toEqual({ valid: true, errors: [] });
  });
});
