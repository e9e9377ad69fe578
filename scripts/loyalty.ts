/**
 * `npm run loyalty -- <command>`: loyalty data without touching code, against the same settings
 * (and so the same store) as a running `npm start`.
 *
 *   add --email E --loyalty-id L --promo-code P [--status active|suspended]
 *   import FILE.csv          header: email,loyaltyId,promoCode,status (status optional)
 *   get --email E
 *   balance --object-id ID [--set 12.34]
 */
import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { ConfigError, loadConfig } from '../shared/config';
import { checkMember } from '../shared/loyalty/member';
import { formatMoney, parseMoney } from '../shared/loyalty/money';
import type { LoyaltyRepository, SaveOutcome } from '../shared/storage/repository';
import { TableLoyaltyRepository } from '../shared/storage/tableRepository';
import { applyLocalSettings, ensureLocalStorage } from './host/localStorage';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const USAGE = `Usage: npm run loyalty -- <command> [options]

Commands:
  add --email E --loyalty-id L --promo-code P [--status active|suspended]
        Registers (or updates) the loyalty ID L for the email E with promo code P.
  import FILE.csv
        Loads members from a CSV file with the header email,loyaltyId,promoCode,status
        (status optional, default active). Safe to repeat: unchanged rows stay unchanged.
        Bad rows are reported with their line number; the others load.
  get --email E
        Prints every membership of the email E as JSON.
  balance --object-id ID [--set 12.34]
        Prints the balance of the user ID (the B2C objectId), or sets it.

Settings: the same as the app (local.settings.json Values, then the environment):
TABLES_CONNECTION_STRING (or AzureWebJobsStorage; default UseDevelopmentStorage=true),
LOYALTY_TABLE_NAME, BALANCES_TABLE_NAME.`;

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

type Options = Record<string, string | boolean | undefined>;

function parseCommand(
  args: readonly string[],
  spec: Record<string, { type: 'string' | 'boolean' }>,
): { values: Options; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...spec, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Options, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function required(values: Options, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`--${name} is required`);
  return value;
}

export interface ImportSummary {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: readonly { line: number; reason: string }[];
}

const REQUIRED_COLUMNS = ['email', 'loyaltyId', 'promoCode'] as const;
const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, 'status']);

/** Imports a CSV file: every good row is saved (16 at a time), every bad row reported. */
export async function importCsv(
  repository: LoyaltyRepository,
  file: string,
  io: CliIo,
): Promise<ImportSummary> {
  const counts: Record<SaveOutcome, number> = { added: 0, updated: 0, unchanged: 0 };
  const rejected: { line: number; reason: string }[] = [];
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
        if (missing.length > 0) {
          throw new UsageError(
            `${file}: the header must name email,loyaltyId,promoCode[,status]; missing ${missing.join(', ')}`,
          );
        }
        return names.map((n) => (KNOWN_COLUMNS.has(n) ? n : false));
      },
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) => {
    rejected.push({ line: error.lines ?? 0, reason: `malformed CSV: ${error.message}` });
  });

  const inFlight = new Set<Promise<void>>();
  for await (const entry of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    const line = entry.info.lines;
    const checked = checkMember(entry.record);
    if (!checked.ok) {
      rejected.push({ line, reason: checked.reason });
      continue;
    }
    const task = repository.saveMember(checked.value).then((outcome) => {
      counts[outcome] += 1;
    });
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= 16) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  rejected.sort((a, b) => a.line - b.line);
  for (const r of rejected) io.err(`line ${r.line}: ${r.reason}`);
  return { ...counts, rejected };
}

/** Runs one command; returns the exit code. */
export async function runLoyaltyCli(
  argv: readonly string[],
  repository: LoyaltyRepository,
  io: CliIo,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'add': {
        const { values } = parseCommand(rest, {
          email: { type: 'string' },
          'loyalty-id': { type: 'string' },
          'promo-code': { type: 'string' },
          status: { type: 'string' },
        });
        if (values.help) return help(io);
        const checked = checkMember({
          email: required(values, 'email'),
          loyaltyId: required(values, 'loyalty-id'),
          promoCode: required(values, 'promo-code'),
          status: typeof values.status === 'string' ? values.status : undefined,
        });
        if (!checked.ok) throw new UsageError(checked.reason);
        const outcome = await repository.saveMember(checked.value);
        io.out(
          `${outcome}: ${checked.value.email} ${checked.value.loyaltyId} (${checked.value.status})`,
        );
        return 0;
      }
      case 'import': {
        const { values, positionals } = parseCommand(rest, {});
        if (values.help) return help(io);
        const file = positionals[0];
        if (file === undefined || positionals.length > 1)
          throw new UsageError('import takes one FILE.csv');
        if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
        const summary = await importCsv(repository, resolve(file), io);
        io.out(
          `Imported ${file}: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejected.length} rejected`,
        );
        return summary.rejected.length > 0 ? 1 : 0;
      }
      case 'get': {
        const { values } = parseCommand(rest, { email: { type: 'string' } });
        if (values.help) return help(io);
        const members = await repository.listMembersByEmail(required(values, 'email'));
        io.out(JSON.stringify(members, null, 2));
        return members.length > 0 ? 0 : 1;
      }
      case 'balance': {
        const { values } = parseCommand(rest, {
          'object-id': { type: 'string' },
          set: { type: 'string' },
        });
        if (values.help) return help(io);
        const objectId = required(values, 'object-id').trim();
        if (typeof values.set === 'string') {
          const amount = parseMoney(values.set);
          if (!amount.ok) throw new UsageError(`--set ${amount.reason}`);
          await repository.setBalance(objectId, amount.value);
          io.out(JSON.stringify({ objectId, balance: formatMoney(amount.value) }));
          return 0;
        }
        const balance = await repository.getBalance(objectId);
        if (balance === undefined) {
          io.err(
            `No balance for ${objectId} (it is created with STARTING_BALANCE on the user's first sign-in).`,
          );
          return 1;
        }
        io.out(JSON.stringify({ objectId, balance: formatMoney(balance) }));
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return help(io);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`Error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

function help(io: CliIo): number {
  io.out(USAGE);
  return 0;
}

async function main(): Promise<number> {
  const appRoot = resolve(__dirname, '..', '..');
  const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };
  const argv = process.argv.slice(2);
  if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0] ?? '')) return help(io);
  applyLocalSettings(appRoot, process.env);
  const config = loadConfig(process.env);
  const azurite = await ensureLocalStorage(appRoot, process.env);
  try {
    const repository = new TableLoyaltyRepository({
      connectionString: config.tablesConnectionString,
      loyaltyTableName: config.loyaltyTableName,
      balancesTableName: config.balancesTableName,
      timeoutMs: 10_000,
    });
    return await runLoyaltyCli(argv, repository, io);
  } finally {
    await azurite?.stop();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        error instanceof ConfigError
          ? `Cannot run: ${error.message}`
          : `Failed: ${error instanceof Error ? error.message : String(error)}. The command is safe to run again.`,
      );
      process.exit(1);
    },
  );
}
