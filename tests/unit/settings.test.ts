import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig as load } from '../../shared/config';
import { API_VERSION } from '../../shared/contract/responses';
import { formatMoney, parseMoney } from '../../shared/loyalty/money';
import { createTableClient, tableEndpoint } from '../../shared/storage/table/connection';
import { encodeKey } from '../../shared/storage/table/keys';

const ROOT = join(__dirname, '..', '..');
/** The settings as `npm start` reads them (Development: no caller check required). */
const loadConfig = (env: Record<string, string>) =>
  load({ AZURE_FUNCTIONS_ENVIRONMENT: 'Development', ...env });

describe('settings', () => {
  it('has safe defaults and is frozen', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      backend: {
        kind: 'tables',
        access: {
          kind: 'connectionString',
          connectionString: 'UseDevelopmentStorage=true',
          from: 'default',
        },
      },
      loyaltyTableName: 'LoyaltyMembers',
      balancesTableName: 'Balances',
      defaultLanguage: 'en',
      functionsAuthLevel: 'function',
      extensionsAppId: undefined,
      maxFailedValidations: 10,
      maxFailedValidationsPerEmail: 50,
    });
    expect(formatMoney(config.startingBalance)).toBe('50.00');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('prefers TABLES_CONNECTION_STRING, then AzureWebJobsStorage', () => {
    expect(
      loadConfig({ AzureWebJobsStorage: 'A', TABLES_CONNECTION_STRING: 'T' }).backend.access,
    ).toMatchObject({ connectionString: 'T' });
    expect(loadConfig({ AzureWebJobsStorage: 'A' }).backend.access).toMatchObject({
      connectionString: 'A',
    });
  });

  it.each([
    ['STARTING_BALANCE', 'fifty'],
    ['STARTING_BALANCE', '-1'],
    ['LOYALTY_TABLE_NAME', 'bad-name'],
    ['BALANCES_TABLE_NAME', '1abc'],
    ['EXTENSIONS_APP_ID', 'not-a-guid'],
    ['DEFAULT_LANGUAGE', 'tlh'],
    ['FUNCTIONS_AUTH_LEVEL', 'system'],
    ['MAX_FAILED_VALIDATIONS_PER_EMAIL', '0'],
    ['MAX_FAILED_VALIDATIONS_PER_EMAIL', 'fifty'],
  ])('refuses a malformed %s (%s), naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(`Setting ${name} is malformed`);
  });

  it('keeps API_VERSION equal to the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(API_VERSION).toBe(pkg.version);
  });
});

describe('money', () => {
  it.each([
    ['760.5', '760.50'],
    ['760.50', '760.50'],
    ['0', '0.00'],
    ['0.07', '0.07'],
    ['999999999999999.99', '999999999999999.99'],
  ])('reads %s exactly as %s', (text, formatted) => {
    const parsed = parseMoney(text);
    expect(parsed.ok && formatMoney(parsed.value)).toBe(formatted);
  });

  it('adds without binary float error', () => {
    const a = parseMoney('0.1');
    const b = parseMoney('0.2');
    if (!a.ok || !b.ok) throw new Error('parse');
    expect(formatMoney({ cents: a.value.cents + b.value.cents })).toBe('0.30');
  });

  it.each(['1.234', '-1', '1e3', 'NaN', '', '12,50'])('refuses %j', (text) => {
    expect(parseMoney(text).ok).toBe(false);
  });
});

describe('storage connection', () => {
  it('accepts an Azurite on another port given with an http TableEndpoint', () => {
    const cs =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:20002/devstoreaccount1;';
    expect(tableEndpoint(cs)).toBe('http://127.0.0.1:20002/devstoreaccount1');
    expect(createTableClient(cs, 'Members').url).toBe('http://127.0.0.1:20002/devstoreaccount1');
  });

  it('knows where development storage and Azure accounts live', () => {
    expect(tableEndpoint('UseDevelopmentStorage=true')).toBe(
      'http://127.0.0.1:10002/devstoreaccount1',
    );
    expect(
      tableEndpoint(
        'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      ),
    ).toBe('https://acme.table.core.windows.net');
  });

  it('encodes any key into the characters Table keys allow', () => {
    for (const value of ['a/b\\c#d?e', 'ü@例子.中国', '\u0001ctl', 'x'.repeat(2000)]) {
      const key = encodeKey(value);
      expect(key).toMatch(/^[A-Za-z0-9_~-]+$/);
      expect(key.length).toBeLessThanOrEqual(512);
    }
    expect(encodeKey('a@b.c')).not.toBe(encodeKey('A@b.c'));
  });
});
