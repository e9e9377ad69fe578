/**
 * A throwaway TLS certificate for local HTTPS servers in tests: self-signed for 127.0.0.1 and
 * localhost, and CA:true so that it is its own trust anchor. A child process trusts it when its
 * NODE_EXTRA_CA_CERTS names `certFile` (read once, at process start).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TestCertificate {
  /** The temp folder holding cert.pem and key.pem. */
  readonly dir: string;
  /** cert.pem: for the server, and as the CA file for NODE_EXTRA_CA_CERTS. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
  /** Removes the temp folder (idempotent). */
  cleanup(): void;
}

export async function makeTestCertificate(prefix = 'test-cert-'): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, pems.cert);
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  return {
    dir,
    certFile,
    keyFile,
    cert: pems.cert,
    key: pems.private,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
