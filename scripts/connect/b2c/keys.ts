/**
 * Policy keys (beta `trustFramework/keySets`): the ones the policies reference that the tenant
 * lacks, created as Microsoft's custom-policy tutorial does — token signing and encryption keys
 * generated (RSA, sig / enc), B2C_1A_FacebookSecret with a placeholder secret — and the REST API
 * keys of the chosen --auth from the app's own settings (never printed). A keyset created as `X`
 * is named `B2C_1A_X` by B2C, so it is created without the prefix.
 */
import { readFileSync } from 'node:fs';
import { SettingError, type GraphClient } from '../graph';
import type { PlanStep } from '../plan';
import { requiredSecret, type ConnectContext } from '../common';
import type { AuthKind } from '../../policy/authKinds';

export const KEYSET_PERMISSION =
  'TrustFrameworkKeySet.ReadWrite.All (directory role: B2C IEF Keyset Administrator)';
const KEYSETS = '/beta/trustFramework/keySets';

export interface KeySet {
  readonly id: string;
  readonly keys?: readonly unknown[];
}

/** How one key gets its value. */
type KeySource =
  | { kind: 'generate'; use: 'sig' | 'enc'; why: string }
  | { kind: 'secret'; use: 'sig' | 'enc'; value: string; why: string }
  | { kind: 'pkcs12'; file: string; password: string; why: string };

/** What the REST API keys of each --auth are made from (the app's own setting names). */
function restKeySources(
  context: ConnectContext,
  auth: AuthKind,
  certificateFile: string | undefined,
): Map<string, KeySource> {
  const sources = new Map<string, KeySource>();
  const secret = (name: string, setting: string): void => {
    const value = requiredSecret(context, setting, `--auth ${auth} sends it as ${name}`);
    sources.set(name, {
      kind: 'secret',
      use: 'enc',
      value,
      why: `Manual, Encryption: from ${setting}`,
    });
  };
  if (auth === 'basic') {
    secret('B2C_1A_RestApiUsername', 'BASIC_AUTH_USERNAME');
    secret('B2C_1A_RestApiPassword', 'BASIC_AUTH_PASSWORD');
  } else if (auth === 'apikey') {
    secret('B2C_1A_RestApiKey', 'API_KEY');
  } else if (auth === 'certificate' && certificateFile !== undefined) {
    const password = requiredSecret(
      context,
      'CLIENT_CERT_PASSWORD',
      'the password of --client-certificate',
    );
    sources.set('B2C_1A_RestApiClientCertificate', {
      kind: 'pkcs12',
      file: certificateFile,
      password,
      why: 'Upload: --client-certificate with CLIENT_CERT_PASSWORD',
    });
  }
  return sources;
}

const TUTORIAL_KEYS: ReadonlyMap<string, KeySource> = new Map<string, KeySource>([
  [
    'B2C_1A_TokenSigningKeyContainer',
    { kind: 'generate', use: 'sig', why: 'Generate, RSA, Signature' },
  ],
  [
    'B2C_1A_TokenEncryptionKeyContainer',
    { kind: 'generate', use: 'enc', why: 'Generate, RSA, Encryption' },
  ],
  [
    'B2C_1A_FacebookSecret',
    {
      kind: 'secret',
      use: 'sig',
      value: '0',
      why: 'Manual, Signature, a placeholder secret until you set up Facebook (as the tutorial does)',
    },
  ],
]);

export interface KeyNeeds {
  readonly referenced: readonly string[];
  readonly auth: AuthKind;
  readonly certificateFile?: string | undefined;
}

/**
 * The sources of every key the run needs; a key nobody can make (not known, no setting) is a
 * SettingError before anything is written. The secrets are read here, at plan time.
 */
export function keySources(context: ConnectContext, needs: KeyNeeds): Map<string, KeySource> {
  const rest = restKeySources(context, needs.auth, needs.certificateFile);
  const sources = new Map<string, KeySource>();
  for (const name of [
    'B2C_1A_TokenSigningKeyContainer',
    'B2C_1A_TokenEncryptionKeyContainer',
    ...needs.referenced,
  ]) {
    const source = rest.get(name) ?? TUTORIAL_KEYS.get(name);
    if (source !== undefined) sources.set(name, source);
  }
  for (const [name, source] of rest) sources.set(name, source);
  return sources;
}

/** Keys the policies reference that connect cannot make and the tenant lacks. */
export function unmakeableKeys(
  sources: ReadonlyMap<string, KeySource>,
  referenced: readonly string[],
  existing: readonly KeySet[],
): string[] {
  const have = new Set(existing.map((k) => k.id.toLowerCase()));
  return [...new Set(referenced)].filter((n) => !sources.has(n) && !have.has(n.toLowerCase()));
}

/** The --client-certificate file, base-64 (as uploadPkcs12 and pkcs12Certificate take it). */
export function readClientCertificate(file: string): string {
  try {
    return readFileSync(file).toString('base64');
  } catch (error) {
    throw new SettingError(`cannot read --client-certificate ${file}: ${(error as Error).message}`);
  }
}

async function fill(graph: GraphClient, id: string, source: KeySource): Promise<void> {
  const path = `${KEYSETS}/${encodeURIComponent(id)}`;
  if (source.kind === 'generate') {
    await graph.send({
      method: 'POST',
      path: `${path}/generateKey`,
      permission: KEYSET_PERMISSION,
      json: { use: source.use, kty: 'RSA' },
    });
  } else if (source.kind === 'secret') {
    await graph.send({
      method: 'POST',
      path: `${path}/uploadSecret`,
      permission: KEYSET_PERMISSION,
      json: { use: source.use, k: source.value },
    });
  } else {
    const key = readClientCertificate(source.file);
    await graph.send({
      method: 'POST',
      path: `${path}/uploadPkcs12`,
      permission: KEYSET_PERMISSION,
      json: { key, password: source.password },
    });
  }
}

export function keySteps(
  graph: GraphClient,
  sources: ReadonlyMap<string, KeySource>,
  existing: readonly KeySet[],
): PlanStep[] {
  return [...sources].map(([name, source]): PlanStep => {
    const found = existing.find((k) => k.id.toLowerCase() === name.toLowerCase());
    if (found !== undefined && (found.keys?.length ?? 0) > 0) {
      return {
        kind: 'policy key',
        name,
        action: 'unchanged',
        why: source.kind === 'generate' ? 'has a key' : 'has a key (its value is not read back)',
      };
    }
    return {
      kind: 'policy key',
      name,
      action: found === undefined ? 'create' : 'update',
      why: found === undefined ? source.why : `the keyset is empty: ${source.why}`,
      apply: async () => {
        let id = found?.id ?? name;
        if (found === undefined) {
          const created = await graph.send({
            method: 'POST',
            path: KEYSETS,
            permission: KEYSET_PERMISSION,
            json: { id: name.replace(/^B2C_1A_/, '') },
          });
          id = created.json<{ id?: string }>()?.id ?? name;
        }
        await fill(graph, id, source);
      },
    };
  });
}

export const listKeySets = (graph: GraphClient): Promise<KeySet[]> =>
  graph.list<KeySet>(KEYSETS, KEYSET_PERMISSION);
