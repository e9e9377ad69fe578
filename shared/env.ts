/**
 * Reading one setting from the environment, the one way every settings module does it: trimmed,
 * empty counting as unset. A value that is still an App Service Key Vault reference
 * (`@Microsoft.KeyVault(…)`) means App Service could not resolve it: it is refused, naming the
 * setting, rather than used as if it were the secret.
 */
import { ConfigError } from './configError';

export type Env = Readonly<Record<string, string | undefined>>;

function unresolved(name: string): never {
  throw new ConfigError(
    name,
    "is an unresolved Key Vault reference: App Service could not read the secret. Grant the app's identity " +
      'the Key Vault Secrets User role on the vault (keyVaultReferenceIdentity), and check the secret exists',
  );
}

/** The setting, trimmed; undefined when unset or empty. */
export function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  if (value.startsWith('@Microsoft.KeyVault(')) unresolved(name);
  return value;
}

/** A secret as given (a password may end in a space); undefined when unset or empty. */
export function secret(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (value.trim().startsWith('@Microsoft.KeyVault(')) unresolved(name);
  return value;
}

/** A comma-separated list, its items trimmed, empty ones dropped. */
export function list(env: Env, name: string): string[] {
  return (read(env, name) ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A true/false setting; `fallback` when unset. */
export function flag(env: Env, name: string, fallback: boolean): boolean {
  const text = read(env, name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (text !== 'true' && text !== 'false') {
    throw new ConfigError(name, `is malformed: "${text}" is not true or false`);
  }
  return text === 'true';
}
