/**
 * The checks of a shared secret or certificate, as B2C can send them: Basic (RFC 7617), an API
 * key header (B2C's ApiKeyHeader), and a client certificate as App Service forwards it
 * (X-ARR-ClientCert). Every comparison of a secret is constant-time.
 */
import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { HttpRequest } from '@azure/functions';
import { pass, refuse, type Check } from './check';
import type { ApiKeySettings, BasicSettings, CertificateSettings } from './settings';

/** Equal texts, compared in constant time whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** RFC 7617: `Basic base64(user-id ":" password)`, UTF-8; the password may contain ":". */
export function parseBasic(
  header: string | null,
): { username: string; password: string } | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    decoded = UTF8.decode(Buffer.from(match[1], 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function checkBasic(settings: BasicSettings, request: HttpRequest): Check {
  const given = parseBasic(request.headers.get('authorization'));
  if (given === undefined) return refuse('basic: no Basic credentials');
  let matched = false;
  for (const expected of settings.credentials) {
    // Both comparisons always run: no early exit that would tell which part was wrong.
    const user = sameSecret(given.username, expected.username);
    const password = sameSecret(given.password, expected.password);
    matched = (user && password) || matched;
  }
  return matched ? pass : refuse('basic: wrong username or password');
}

export function checkApiKey(settings: ApiKeySettings, request: HttpRequest): Check {
  const given = request.headers.get(settings.header);
  if (given === null || given === '') return refuse(`apikey: no ${settings.header} header`);
  let matched = false;
  for (const key of settings.keys) matched = sameSecret(given, key) || matched;
  return matched ? pass : refuse(`apikey: wrong key in ${settings.header}`);
}

function commonName(distinguishedName: string): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(distinguishedName)?.[1];
}

function nameMatches(expected: string, distinguishedName: string): boolean {
  const wanted = expected.toLowerCase();
  return (
    commonName(distinguishedName)?.toLowerCase() === wanted ||
    distinguishedName.split('\n').join(', ').toLowerCase() === wanted
  );
}

export function checkCertificate(
  settings: CertificateSettings,
  request: HttpRequest,
  now: Date,
): Check {
  const header = request.headers.get('x-arr-clientcert');
  if (header === null || header.trim() === '')
    return refuse('certificate: no X-ARR-ClientCert header');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(header.trim(), 'base64'));
  } catch {
    return refuse('certificate: X-ARR-ClientCert is not a base64 DER certificate');
  }
  const thumbprint = certificate.fingerprint.replace(/:/g, '').toUpperCase();
  let known = false;
  for (const allowed of settings.thumbprints) known = sameSecret(thumbprint, allowed) || known;
  if (!known)
    return refuse(`certificate: thumbprint ${thumbprint} is not in CLIENT_CERT_THUMBPRINTS`);
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    return refuse(
      `certificate: ${thumbprint} is outside its validity (${certificate.validFrom} to ${certificate.validTo})`,
    );
  }
  if (settings.issuer !== undefined && !nameMatches(settings.issuer, certificate.issuer)) {
    return refuse(`certificate: ${thumbprint} has another issuer than CLIENT_CERT_ISSUER`);
  }
  if (settings.subject !== undefined && !nameMatches(settings.subject, certificate.subject)) {
    return refuse(`certificate: ${thumbprint} has another subject than CLIENT_CERT_SUBJECT`);
  }
  return pass;
}
