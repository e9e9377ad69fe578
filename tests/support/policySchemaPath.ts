/**
 * Where Microsoft's custom-policy schema is read from: B2C_POLICY_XSD, or the ignored folder
 * policies/schema/ of the clone. It is never committed (it is Microsoft's file); without it the
 * schema checks are skipped and every other test runs.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const APP_ROOT = resolve(__dirname, '..', '..');
export const SCHEMA_FILE = 'TrustFrameworkPolicy_0.3.0.0.xsd';
/** The documented place inside the clone (git-ignored). */
export const LOCAL_SCHEMA_PATH = join(APP_ROOT, 'policies', 'schema', SCHEMA_FILE);

export function policySchemaPath(): string {
  const given = process.env.B2C_POLICY_XSD?.trim();
  return given ? resolve(given) : LOCAL_SCHEMA_PATH;
}

export function hasPolicySchema(): boolean {
  return existsSync(policySchemaPath());
}

export const SCHEMA_MISSING =
  `Skipping the policy-schema checks: no ${SCHEMA_FILE} at ${policySchemaPath()}. ` +
  `Get it from Microsoft's custom policy starter pack and set B2C_POLICY_XSD to its path, or put it in policies/schema/.`;
