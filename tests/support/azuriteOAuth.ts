/**
 * Azurite's Table service as identity-based storage: HTTPS (a test certificate) with
 * `--oauth basic`, in memory, on a free port of 127.0.0.1. It accepts Bearer tokens whose claims
 * look right (see bearerClaims in managedIdentityEndpoint.ts); the signature is never checked.
 * Shared keys still work too, which lets a test look behind the app's back.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../scripts/host/azurite';
import {
  startManagedIdentityEndpoint,
  type ManagedIdentityEndpoint,
} from './managedIdentityEndpoint';
import { makeTestCertificate, type TestCertificate } from './testCertificate';

export interface AzuriteOAuth {
  /** The table endpoint for `new TableClient(endpoint, table, credential)`. */
  readonly endpoint: string;
  readonly port: number;
  /** The CA file a client must trust (NODE_EXTRA_CA_CERTS). */
  readonly caFile: string;
  /** Shared-key connection string over HTTPS (the client must trust caFile). */
  readonly connectionString: string;
  readonly azurite: AzuriteHandle;
  /** Stops Azurite and removes the certificate folder if this module made it. */
  stop(): Promise<void>;
}

export async function startAzuriteOAuth(
  options: { certificate?: TestCertificate; onOutput?: (line: string) => void } = {},
): Promise<AzuriteOAuth> {
  const certificate = options.certificate ?? (await makeTestCertificate('azurite-oauth-'));
  const owned = options.certificate === undefined;
  let azurite: AzuriteHandle;
  try {
    azurite = await startAzurite({
      tls: { certFile: certificate.certFile, keyFile: certificate.keyFile },
      oauth: 'basic',
      onOutput: options.onOutput,
    });
  } catch (error) {
    if (owned) certificate.cleanup();
    throw error;
  }
  return {
    endpoint: `https://127.0.0.1:${azurite.port}/devstoreaccount1`,
    port: azurite.port,
    caFile: certificate.certFile,
    connectionString: azurite.connectionString,
    azurite,
    async stop() {
      await azurite.stop();
      if (owned) certificate.cleanup();
    },
  };
}

/**
 * For a test file of the identity harness: starts Azurite with `--oauth basic` and the managed
 * identity stand-in before its tests (handing both to `started`), puts the stand-in back to 'ok'
 * after each test, and stops both after the file.
 */
export function useOAuthHarness(
  started: (azurite: AzuriteOAuth, identity: ManagedIdentityEndpoint) => void,
): void {
  let azurite: AzuriteOAuth | undefined;
  let identity: ManagedIdentityEndpoint | undefined;
  beforeAll(async () => {
    [azurite, identity] = await Promise.all([startAzuriteOAuth(), startManagedIdentityEndpoint()]);
    started(azurite, identity);
  });
  afterAll(async () => {
    await Promise.all([azurite?.stop(), identity?.close()]);
  });
  afterEach(() => identity?.setMode('ok'));
}
