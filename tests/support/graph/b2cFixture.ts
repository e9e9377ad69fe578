/**
 * What the `connect b2c` tests share: a small starter-pack-like folder (TrustFrameworkBase.xml
 * with the keys Microsoft's base references, TrustFrameworkLocalization.xml on top of it; the
 * base with a byte-order mark, as files saved on Windows have), a Graph stand-in with the
 * directory and B2C routes and one user flow, the arguments, and the files the tenant should
 * end up holding.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { loadTemplates, renderPolicies } from '../../../scripts/policy';
import { APP_ROOT } from '../host';
import { addUserFlow, b2cRoutes, TENANT } from './b2cRoutes';
import { applications, directoryRoutes } from './directoryRoutes';
import { startGraphStandIn, type GraphStandIn } from './standIn';

export const USER_FLOW = 'B2C_1_signup';
export const BASE_URL = 'https://contoso-b2c.azurewebsites.net';
export const SECRETS = {
  BASIC_AUTH_USERNAME: 'b2c-caller',
  BASIC_AUTH_PASSWORD: 'Sup3r-secret-pa55word!',
};

const policy = (id: string, body: string, base?: string): string =>
  `<?xml version="1.0" encoding="utf-8" ?>
<TrustFrameworkPolicy xmlns="http://schemas.microsoft.com/online/cpim/schemas/2013/06"
  PolicySchemaVersion="0.3.0.0" TenantId="yourtenant.onmicrosoft.com" PolicyId="${id}"
  PublicPolicyUri="http://yourtenant.onmicrosoft.com/${id}">
${base === undefined ? '' : `  <BasePolicy>\n    <TenantId>yourtenant.onmicrosoft.com</TenantId>\n    <PolicyId>${base}</PolicyId>\n  </BasePolicy>\n`}${body}
</TrustFrameworkPolicy>
`;

export const STARTER_BASE = `\uFEFF${policy(
  'B2C_1A_TrustFrameworkBase',
  `  <ClaimsProviders>
    <ClaimsProvider>
      <TechnicalProfiles>
        <TechnicalProfile Id="JwtIssuer">
          <CryptographicKeys>
            <Key Id="issuer_secret" StorageReferenceId="B2C_1A_TokenSigningKeyContainer" />
            <Key Id="issuer_refresh_token_key" StorageReferenceId="B2C_1A_TokenEncryptionKeyContainer" />
          </CryptographicKeys>
        </TechnicalProfile>
        <TechnicalProfile Id="Facebook-OAUTH">
          <CryptographicKeys>
            <Key Id="client_secret" StorageReferenceId="B2C_1A_FacebookSecret" />
          </CryptographicKeys>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
  </ClaimsProviders>`,
)}`;
export const STARTER_LOCALIZATION = policy(
  'B2C_1A_TrustFrameworkLocalization',
  '  <BuildingBlocks />',
  'B2C_1A_TrustFrameworkBase',
);

/** A folder like the starter pack's SocialAndLocalAccounts (only what connect reads). */
export function starterPack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'starter-pack-'));
  writeFileSync(join(dir, 'TrustFrameworkBase.xml'), STARTER_BASE);
  writeFileSync(join(dir, 'TrustFrameworkLocalization.xml'), STARTER_LOCALIZATION);
  return dir;
}

export async function b2cTenant(): Promise<GraphStandIn> {
  const graph = await startGraphStandIn({ routes: [directoryRoutes, b2cRoutes] });
  addUserFlow(graph.store, USER_FLOW);
  return graph;
}

/** A fresh tenant (stand-in) and starter pack for each test of the calling file. */
export function eachB2cTenant(): { graph: GraphStandIn; pack: string } {
  const current = {} as { graph: GraphStandIn; pack: string };
  beforeEach(async () => {
    current.graph = await b2cTenant();
    current.pack = starterPack();
  });
  afterEach(() => current.graph.close());
  return current;
}

export function connectArgs(pack: string, ...more: string[]): string[] {
  return [
    'b2c',
    '--tenant',
    TENANT,
    '--base-url',
    BASE_URL,
    '--auth',
    'basic',
    '--starter-pack',
    pack,
    '--user-flow',
    USER_FLOW,
    ...more,
  ];
}

/** The app id of the app registration with this display name in the stand-in. */
export function appIdOf(graph: GraphStandIn, displayName: string): string {
  const app = [...applications(graph.store).values()].find((a) => a.displayName === displayName);
  if (app === undefined) throw new Error(`no app ${displayName}`);
  return String(app.appId);
}

/** Every file the tenant should hold, by PolicyId: the starter pack's with the tenant put in, and the kit rendered. */
export function expectedPolicies(graph: GraphStandIn): Map<string, string> {
  const kit = renderPolicies(loadTemplates(join(APP_ROOT, 'policies')), {
    baseUrl: BASE_URL,
    auth: 'basic',
    tenant: TENANT,
    iefAppId: appIdOf(graph, 'IdentityExperienceFramework'),
    proxyIefAppId: appIdOf(graph, 'ProxyIdentityExperienceFramework'),
  }).files;
  const withTenant = (xml: string): string => xml.replace(/yourtenant\./g, `${TENANT}.`);
  const expected = new Map<string, string>([
    ['B2C_1A_TrustFrameworkBase', withTenant(STARTER_BASE)],
    ['B2C_1A_TrustFrameworkLocalization', withTenant(STARTER_LOCALIZATION)],
  ]);
  for (const file of kit) {
    const id = /PolicyId="([^"]+)"/.exec(file.xml)?.[1] ?? '';
    expected.set(id, file.xml);
  }
  return expected;
}
