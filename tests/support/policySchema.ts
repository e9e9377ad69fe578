/**
 * Microsoft's custom-policy schema, read at test time from B2C_POLICY_XSD or policies/schema/
 * (policySchemaPath.ts; never committed), and validation of policy files against it with
 * xmllint-wasm (libxml2).
 *
 * The schema is written for .NET's XML schema validator. Three of its xs:pattern facets use .NET
 * regex anchors, `^…$`: ContentUriTYPE's two patterns (ContentDefinition RecoveryUri and DataUri)
 * and urlTYPE's. XML Schema regular expressions are always anchored and have no `^`/`$` anchors,
 * so libxml2 reads those characters literally and rejects every real value (e.g.
 * `urn:com:microsoft:aad:b2c:elements:contract:selfasserted:2.1.7`). Those patterns, and only
 * those, are removed from the schema in memory before validating.
 */
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { SCHEMA_MISSING, hasPolicySchema, policySchemaPath } from './policySchemaPath';

export { hasPolicySchema, policySchemaPath } from './policySchemaPath';

/** An xs:pattern facet written with .NET anchors (value starting with ^ or ending with $). */
const DOTNET_ANCHORED_PATTERN = /[ \t]*<xs:pattern value="(\^[^"]*|[^"]*\$)"\s*\/>\r?\n?/g;

export interface PolicySchema {
  /** The schema as Microsoft ships it. */
  readonly original: string;
  /** The schema libxml2 validates with: the .NET-anchored patterns removed. */
  readonly xsd: string;
  /** The pattern values removed, with the simple type each belonged to. */
  readonly stripped: readonly { readonly simpleType: string; readonly pattern: string }[];
}

let cached: PolicySchema | undefined;

export function policySchema(): PolicySchema {
  if (cached) return cached;
  if (!hasPolicySchema()) throw new Error(SCHEMA_MISSING);
  const original = readFileSync(policySchemaPath(), 'utf8');
  const stripped: { simpleType: string; pattern: string }[] = [];
  const xsd = original.replace(
    DOTNET_ANCHORED_PATTERN,
    (facet, pattern: string, offset: number) => {
      const before = original.slice(0, offset);
      const simpleType = [...before.matchAll(/<xs:simpleType name="([^"]+)"/g)].pop()?.[1] ?? '?';
      stripped.push({ simpleType, pattern: pattern.replace(/&amp;/g, '&') });
      return '';
    },
  );
  cached = { original, xsd, stripped };
  return cached;
}

export interface SchemaVerdict {
  readonly valid: boolean;
  /** "file:line: message" for each violation. */
  readonly errors: readonly string[];
}

/** Validates policy files (names must be unique) against the schema, in one xmllint run. */
export async function validatePolicies(
  files: readonly { readonly name: string; readonly xml: string }[],
  xsd: string = policySchema().xsd,
): Promise<SchemaVerdict> {
  const result = await validateXML({
    xml: files.map((f) => ({ fileName: f.name, contents: f.xml })),
    schema: [xsd],
  });
  return {
    valid: result.valid,
    errors: result.errors.map((e) =>
      e.loc === null ? e.rawMessage : `${e.loc.fileName}:${e.loc.lineNumber}: ${e.message}`,
    ),
  };
}
