/**
 * Settings, read once from the environment into a frozen, typed object.
 * A missing or malformed setting fails at start with its name (ConfigError).
 */
import {
  DEFAULT_ENTRA_BUDGET_MS,
  isDevelopment,
  loadAuthSettings,
  type AuthSettings,
} from './auth/settings';
import { ConfigError } from './configError';
import { flag, read, secret, type Env } from './env';
import { withoutExtensionPrefix } from './contract/extensionAttribute';
import { supportedLanguage } from './i18n/language';
import { LANGUAGES, type Language } from './i18n/messages';
import { parseMoney, type Money } from './loyalty/money';
import { tablesAccess, type TablesAccess } from './storage/table/access';

export type AuthLevel = 'anonymous' | 'function' | 'admin';

/**
 * Which storage engine holds the data, and how it is reached, as the settings name it. Only the
 * storage factory (storage/factory.ts) looks inside; the domain and the functions see the ports
 * alone. Today one engine: Table Storage (Azure Storage, Cosmos DB for Table, Azurite), reached
 * as storage/table/access.ts reads it. A new engine is one more kind here and one factory branch.
 */
export type StorageBackend = { readonly kind: 'tables'; readonly access: TablesAccess };

/** Where the data is: all the loyalty CLI needs, and part of the app's settings. */
export interface StorageSettings {
  /** Which storage engine, and how it is reached (StorageBackend above). */
  readonly backend: StorageBackend;
  readonly loyaltyTableName: string;
  readonly balancesTableName: string;
  readonly failedValidationsTableName: string;
  /** The throttle's window: its rows are stale (prunable) once it has passed. */
  readonly failedValidationWindowMs: number;
  /** Upper bound of one storage call, the SDK's own retries included. */
  readonly storageTimeoutMs: number;
}

export interface Config extends StorageSettings {
  readonly startingBalance: Money;
  /** The b2c-extensions-app's application id without hyphens, or undefined. */
  readonly extensionsAppId: string | undefined;
  readonly defaultLanguage: Language;
  readonly functionsAuthLevel: AuthLevel;
  /** Upper bound of a whole request: past it the function answers its degraded answer. */
  readonly requestBudgetMs: number;
  /** GetProfile answers 409 instead of 200 without balance when storage is unavailable. */
  readonly getProfileFailClosed: boolean;
  /**
   * Failed loyalty-ID validations that open the throttle: per email and IP address when the call
   * carries the address, else per email.
   */
  readonly maxFailedValidations: number;
  /** Failed validations per email from all addresses together (calls with an address). */
  readonly maxFailedValidationsPerEmail: number;
  /** Application Insights: telemetry is sent only when set. */
  readonly appInsightsConnectionString: string | undefined;
  /**
   * Application Insights with local authentication disabled: telemetry is sent with a Microsoft
   * Entra token of the managed identity (this client id, or the system-assigned one).
   */
  readonly appInsightsEntra: { readonly clientId: string | undefined } | undefined;
  /** HMAC key that makes a user traceable in telemetry without their email (optional). */
  readonly telemetryHashKey: string | undefined;
  /** The Entra External ID dialect. */
  readonly entra: {
    /** Entra waits 1 s by default, 2 s at most. */
    readonly requestBudgetMs: number;
    readonly loyaltyIdAttribute: string;
    readonly promoCodeAttribute: string;
    /** ENTRA_TRUST_USER_MAIL: the email may come from `user.mail` when no identity names one. */
    readonly trustUserMail: boolean;
  };
  /** Which callers may call the B2C functions (API_AUTH and its settings). */
  readonly auth: AuthSettings;
}

export { ConfigError };

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

function tableName(env: Env, name: string, fallback: string): string {
  const value = read(env, name) ?? fallback;
  if (!TABLE_NAME.test(value)) {
    throw new ConfigError(
      name,
      `is malformed: "${value}" is not a valid table name (3-63 letters or digits, starting with a letter)`,
    );
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = read(env, name)?.toLowerCase() ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `is malformed: "${value}" is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function milliseconds(env: Env, name: string, fallback: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 50 || value > 60_000) {
    throw new ConfigError(
      name,
      `is malformed: "${text}" is not a number of milliseconds (50-60000)`,
    );
  }
  return value;
}

function wholeNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(
      name,
      `is malformed: "${text}" is not a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

function attribute(env: Env, name: string, fallback: string): string {
  const value = withoutExtensionPrefix(read(env, name) ?? fallback);
  if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(value)) {
    throw new ConfigError(name, `is malformed: "${value}" is not an attribute name`);
  }
  return value;
}

function appInsightsConnectionString(env: Env): string | undefined {
  const value = read(env, 'APPLICATIONINSIGHTS_CONNECTION_STRING');
  if (value !== undefined && !/InstrumentationKey=[0-9a-f-]{36}/i.test(value)) {
    throw new ConfigError(
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'is malformed: expected InstrumentationKey=<guid>;IngestionEndpoint=…',
    );
  }
  return value;
}

/** APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=<guid>` (any order). */
function appInsightsEntra(env: Env): Config['appInsightsEntra'] {
  const name = 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING';
  const value = read(env, 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING');
  if (value === undefined) return undefined;
  const parts = new Map(
    value.split(';').flatMap((part) => {
      const [key = '', ...rest] = part.split('=');
      return key.trim() === '' ? [] : [[key.trim().toLowerCase(), rest.join('=').trim()] as const];
    }),
  );
  if (parts.get('authorization')?.toUpperCase() !== 'AAD') {
    throw new ConfigError(name, 'is malformed: expected Authorization=AAD;ClientId=<client id>');
  }
  const clientId = parts.get('clientid') || undefined;
  if (
    clientId !== undefined &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)
  ) {
    throw new ConfigError(
      name,
      'is malformed: ClientId is not a managed identity client id (a GUID)',
    );
  }
  return Object.freeze({ clientId: clientId?.toLowerCase() });
}

function telemetryHashKey(env: Env): string | undefined {
  const value = secret(env, 'TELEMETRY_HASH_KEY');
  if (value === undefined) return undefined;
  if (value.length < 16) {
    throw new ConfigError('TELEMETRY_HASH_KEY', 'is malformed: use at least 16 random characters');
  }
  return value;
}

/** FUNCTIONS_AUTH_LEVEL: the key level the host enforces on the three B2C functions. */
export function functionsAuthLevel(env: Env = process.env): AuthLevel {
  return oneOf<AuthLevel>(
    env,
    'FUNCTIONS_AUTH_LEVEL',
    ['function', 'anonymous', 'admin'],
    'function',
  );
}

/**
 * The storage settings alone: no caller-check setting is read, so the loyalty CLI runs in any
 * environment without API_AUTH.
 */
export function loadStorageSettings(env: Env = process.env): StorageSettings {
  return Object.freeze({
    backend: Object.freeze({ kind: 'tables', access: tablesAccess(env) }),
    loyaltyTableName: tableName(env, 'LOYALTY_TABLE_NAME', 'LoyaltyMembers'),
    balancesTableName: tableName(env, 'BALANCES_TABLE_NAME', 'Balances'),
    failedValidationsTableName: tableName(
      env,
      'FAILED_VALIDATIONS_TABLE_NAME',
      'FailedValidations',
    ),
    failedValidationWindowMs:
      wholeNumber(env, 'FAILED_VALIDATION_WINDOW_MINUTES', 15, 1, 24 * 60) * 60_000,
    storageTimeoutMs: milliseconds(env, 'STORAGE_TIMEOUT_MS', 1500),
  });
}

/**
 * Development storage is a default for `npm start`, Core Tools, the tests and the CLI only: a
 * deployment that forgot its storage setting would start and answer every sign-up "unavailable".
 */
function refuseDevelopmentStorage(env: Env, backend: StorageBackend): void {
  const { access } = backend;
  if (access.kind === 'connectionString' && access.from === 'default' && !isDevelopment(env)) {
    throw new ConfigError(
      'TABLES_CONNECTION_STRING',
      'is missing: outside AZURE_FUNCTIONS_ENVIRONMENT=Development set TABLES_CONNECTION_STRING, TABLES_ENDPOINT, AzureWebJobsStorage or AzureWebJobsStorage__tableServiceUri / AzureWebJobsStorage__accountName; development storage is not used there',
    );
  }
}

export function loadConfig(env: Env = process.env): Config {
  const storage = loadStorageSettings(env);
  const startingBalanceText = read(env, 'STARTING_BALANCE') ?? '50.00';
  const startingBalance = parseMoney(startingBalanceText);
  if (!startingBalance.ok) {
    throw new ConfigError(
      'STARTING_BALANCE',
      `is malformed: "${startingBalanceText}" ${startingBalance.reason}`,
    );
  }

  let extensionsAppId = read(env, 'EXTENSIONS_APP_ID')?.replace(/-/g, '').toLowerCase();
  if (extensionsAppId !== undefined && !/^[0-9a-f]{32}$/.test(extensionsAppId)) {
    throw new ConfigError(
      'EXTENSIONS_APP_ID',
      'is malformed: expected the b2c-extensions-app application (client) id, a GUID',
    );
  }
  if (extensionsAppId === '') extensionsAppId = undefined;

  const defaultLanguageText = read(env, 'DEFAULT_LANGUAGE') ?? 'en';
  const defaultLanguage = supportedLanguage(defaultLanguageText);
  if (defaultLanguage === undefined) {
    throw new ConfigError(
      'DEFAULT_LANGUAGE',
      `is malformed: "${defaultLanguageText}" is not one of ${LANGUAGES.join(', ')}`,
    );
  }

  const storageTimeoutMs = storage.storageTimeoutMs;
  const requestBudgetMs = milliseconds(env, 'REQUEST_BUDGET_MS', 3000);
  if (storageTimeoutMs > requestBudgetMs) {
    throw new ConfigError(
      'STORAGE_TIMEOUT_MS',
      `is malformed: ${storageTimeoutMs} ms exceeds REQUEST_BUDGET_MS (${requestBudgetMs} ms)`,
    );
  }

  const config: Config = Object.freeze({
    ...storage,
    startingBalance: startingBalance.value,
    extensionsAppId,
    defaultLanguage,
    functionsAuthLevel: functionsAuthLevel(env),
    requestBudgetMs,
    getProfileFailClosed: flag(env, 'GETPROFILE_FAIL_CLOSED', false),
    maxFailedValidations: wholeNumber(env, 'MAX_FAILED_VALIDATIONS', 10, 1, 1000),
    maxFailedValidationsPerEmail: wholeNumber(
      env,
      'MAX_FAILED_VALIDATIONS_PER_EMAIL',
      50,
      1,
      100_000,
    ),
    appInsightsConnectionString: appInsightsConnectionString(env),
    appInsightsEntra: appInsightsEntra(env),
    telemetryHashKey: telemetryHashKey(env),
    entra: Object.freeze({
      requestBudgetMs: wholeNumber(
        env,
        'ENTRA_REQUEST_BUDGET_MS',
        DEFAULT_ENTRA_BUDGET_MS,
        50,
        2000,
      ),
      loyaltyIdAttribute: attribute(env, 'ENTRA_LOYALTY_ID_ATTRIBUTE', 'loyaltyId'),
      promoCodeAttribute: attribute(env, 'ENTRA_PROMO_CODE_ATTRIBUTE', 'promoCode'),
      trustUserMail: flag(env, 'ENTRA_TRUST_USER_MAIL', false),
    }),
    auth: loadAuthSettings(env),
  });
  refuseDevelopmentStorage(env, config.backend);
  return config;
}
