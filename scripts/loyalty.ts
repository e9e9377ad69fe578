/**
 * `npm run loyalty -- <command>`: loyalty data without touching code, against the same settings
 * (and so the same store) as a running `npm start`.
 *
 *   add --email E --loyalty-id L --promo-code P [--status active|suspended]
 *   import FILE [--format csv|jsonl]     .csv (header email,loyaltyId,promoCode,status), .jsonl
 *   export [--out FILE]                  CSV of every member
 *   get --email E
 *   balance --object-id ID [--set 12.34]
 *   remove --email E [--loyalty-id L] [--yes]
 *   prune-attempts                       removes throttle rows whose window has passed
 *   reset-attempts --email E             removes the throttle rows of one email
 *   help [command], <command> --help, --version
 */
import { existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { resolve } from 'node:path';
import { ConfigError, loadStorageSettings, type StorageSettings } from '../shared/config';
import { checkMember } from '../shared/loyalty/member';
import { formatMoney, parseMoney } from '../shared/loyalty/money';
import type { MemberAdmin } from '../shared/loyalty/admin';
import { createStorage, type Storage } from '../shared/storage/factory';
import type { AzuriteHandle } from './host/azurite';
import { applyLocalSettings, ensureLocalStorage, LocalStorageError } from './host/localStorage';
import { optional, parseCommand, required, UsageError, type CliIo } from './loyalty/cliIo';
import { exportMembers } from './loyalty/exportMembers';
import { COMMAND_HELP, helpFor, USAGE } from './loyalty/help';
import { describeImport, importMembers } from './loyalty/importMembers';
import { formatOf } from './loyalty/memberFile';
import {
  pruneAttempts,
  removeMembers,
  resetAttempts,
  type AttemptsSource,
} from './loyalty/operatorCommands';
import { closest } from './suggest';
import { appVersion } from './version';

export { UsageError, USAGE, type CliIo };
export { importMembers, type ImportSummary } from './loyalty/importMembers';

/** The repository, or how to open it once the arguments are known to be good. */
export type RepositorySource = MemberAdmin | (() => Promise<MemberAdmin>);

export type { AttemptsSource, AttemptsTarget } from './loyalty/operatorCommands';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const HELP_WORDS = new Set(['help', '--help', '-h']);

/** Runs one command; returns the exit code. Storage is only opened for a command that runs. */
export async function runLoyaltyCli(
  argv: readonly string[],
  source: RepositorySource,
  io: CliIo,
  attemptsSource?: AttemptsSource,
): Promise<number> {
  const [command, ...rest] = argv;
  const repository = (): Promise<MemberAdmin> =>
    typeof source === 'function' ? source() : Promise.resolve(source);
  try {
    switch (command) {
      case 'add': {
        const { values } = parseCommand(command, rest, {
          email: { type: 'string' },
          'loyalty-id': { type: 'string' },
          'promo-code': { type: 'string' },
          status: { type: 'string' },
        });
        if (values.help) return help(io, command);
        const checked = checkMember({
          email: required(values, 'email', command),
          loyaltyId: required(values, 'loyalty-id', command),
          promoCode: required(values, 'promo-code', command),
          status: optional(values, 'status'),
        });
        if (!checked.ok) throw new UsageError(checked.reason, command);
        const outcome = await (await repository()).saveMember(checked.value);
        io.out(
          `${outcome}: ${checked.value.email} ${checked.value.loyaltyId} (${checked.value.status})`,
        );
        return 0;
      }
      case 'import': {
        const { values, positionals } = parseCommand(command, rest, {
          format: { type: 'string' },
        });
        if (values.help) return help(io, command);
        const file = positionals[0];
        if (file === undefined || positionals.length > 1) {
          throw new UsageError('import takes one FILE (.csv, .jsonl or .ndjson)', command);
        }
        if (!existsSync(file) || !statSync(file).isFile()) {
          throw new UsageError(`${file}: no such file`, command);
        }
        const format = formatOf(file, optional(values, 'format'));
        const summary = await importMembers(await repository(), resolve(file), format, io);
        io.out(`Imported ${file}: ${describeImport(summary)}`);
        const rows = summary.added + summary.updated + summary.unchanged;
        io.err(
          `Took ${summary.seconds.toFixed(1)} s for ${rows} rows (${Math.round(rows / Math.max(summary.seconds, 0.001))} rows/s).`,
        );
        return summary.rejected.length > 0 ? 1 : 0;
      }
      case 'export': {
        const { values, positionals } = parseCommand(command, rest, { out: { type: 'string' } });
        if (values.help) return help(io, command);
        if (positionals.length > 0) {
          throw new UsageError(`export takes no FILE; write to one with --out FILE`, command);
        }
        const out = optional(values, 'out');
        if (out !== undefined && out.trim() === '') throw new UsageError('--out is empty', command);
        const count = await exportMembers(await repository(), out, io);
        if (out !== undefined) io.out(`Exported ${count} members to ${out}`);
        else io.err(`Exported ${count} members.`);
        return 0;
      }
      case 'get': {
        const { values } = parseCommand(command, rest, { email: { type: 'string' } });
        if (values.help) return help(io, command);
        const email = required(values, 'email', command);
        const members = await (await repository()).listMembersByEmail(email);
        io.out(JSON.stringify(members, null, 2));
        return members.length > 0 ? 0 : 1;
      }
      case 'balance': {
        const { values } = parseCommand(command, rest, {
          'object-id': { type: 'string' },
          set: { type: 'string' },
        });
        if (values.help) return help(io, command);
        const objectId = required(values, 'object-id', command).trim();
        if (!GUID.test(objectId)) {
          throw new UsageError(
            `--object-id '${objectId}' is not a GUID (the user's objectId, e.g. 11111111-0000-0000-0000-000000000000)`,
            command,
          );
        }
        const set = optional(values, 'set');
        if (set !== undefined) {
          const amount = parseMoney(set);
          if (!amount.ok) throw new UsageError(`--set ${amount.reason}`, command);
          await (await repository()).setBalance(objectId, amount.value);
          io.out(JSON.stringify({ objectId, balance: formatMoney(amount.value) }));
          return 0;
        }
        const balance = await (await repository()).getBalance(objectId);
        if (balance === undefined) {
          io.err(
            `No balance for ${objectId} (it is created with STARTING_BALANCE on the user's first sign-in).`,
          );
          return 1;
        }
        io.out(JSON.stringify({ objectId, balance: formatMoney(balance) }));
        return 0;
      }
      case 'remove':
        return (await removeMembers(rest, repository, io)) ?? help(io, command);
      case 'prune-attempts':
        return (await pruneAttempts(rest, attemptsSource, io)) ?? help(io, command);
      case 'reset-attempts':
        return (await resetAttempts(rest, attemptsSource, io)) ?? help(io, command);
      case '--version':
      case 'version':
        io.out(appVersion());
        return 0;
      case undefined:
        // Nothing to do was named: the usage, and a failing exit code for scripts.
        io.err(helpFor(undefined));
        return 2;
      default:
        if (HELP_WORDS.has(command)) {
          const [topic, ...extra] = rest;
          if (topic !== undefined && (COMMAND_HELP[topic] === undefined || extra.length > 0)) {
            throw new UsageError(`no help for '${rest.join(' ')}'`);
          }
          return help(io, topic);
        }
        throw new UsageError(unknownCommand(command));
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`Error: ${error.message}`);
      io.err(
        error.command === undefined
          ? 'Run `npm run loyalty -- --help` for the commands.'
          : `Run \`npm run loyalty -- ${error.command} --help\` for its options.`,
      );
      return 2;
    }
    throw error;
  }
}

function unknownCommand(command: string): string {
  const guess = closest(command, Object.keys(COMMAND_HELP));
  return `unknown command '${command}'${guess === undefined ? '' : `. Did you mean ${guess}?`}`;
}

function help(io: CliIo, command: string | undefined): number {
  io.out(helpFor(command));
  return 0;
}

async function main(): Promise<number> {
  const appRoot = resolve(__dirname, '..', '..');
  const io: CliIo = {
    out: (l) => console.log(l),
    err: (l) => console.error(l),
    stdout: process.stdout,
    progress: process.stderr,
    interactive: process.stdin.isTTY === true,
    confirm: async (question) => {
      const terminal = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await terminal.question(question)).trim());
      } finally {
        terminal.close();
      }
    },
  };
  let azurite: AzuriteHandle | undefined;
  // Ctrl-C: what is saved stays saved (each row is written whole), so say how to go on.
  process.once('SIGINT', () => {
    console.error(
      '\nInterrupted. Rows already saved stay saved; running the command again is safe.',
    );
    void (azurite?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  let storage: { config: StorageSettings; stores: Storage } | undefined;
  const settings = async () => {
    if (storage !== undefined) return storage;
    applyLocalSettings(appRoot, process.env);
    const config = loadStorageSettings(process.env);
    azurite = await ensureLocalStorage(appRoot, process.env, (text) => console.error(text));
    const stores = createStorage(config, { timeoutMs: 10_000 });
    console.error(`Storage: ${stores.description}`);
    storage = { config, stores };
    return storage;
  };
  const open = async (): Promise<MemberAdmin> => (await settings()).stores.admin();
  const openAttempts = async () => {
    const { config, stores } = await settings();
    return { store: stores.attempts(), windowMs: config.failedValidationWindowMs };
  };
  try {
    return await runLoyaltyCli(process.argv.slice(2), open, io, openAttempts);
  } finally {
    await azurite?.stop();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        error instanceof ConfigError || error instanceof LocalStorageError
          ? `Cannot run: ${error.message}`
          : `Failed: ${error instanceof Error ? error.message : String(error)}. The command is safe to run again.`,
      );
      process.exit(1);
    },
  );
}
