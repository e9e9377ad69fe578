/**
 * `npm run connect -- b2c [options]` and `npm run connect -- entra [options]`: wire a tenant to
 * the deployed API through Microsoft Graph. Each reads the tenant, prints a plan (create, update
 * or unchanged, and why), and applies it with consent. Exit codes: 0 done or nothing to do, 1 a
 * Graph call failed (safe to run again), 2 bad arguments or a missing setting (nothing written).
 */
import { UsageError } from './policy/model';
import { findAppRoot } from './policy/cli';
import { runB2c, B2C_SUMMARY } from './connect/b2c';
import type { ConnectContext, Subcommand } from './connect/common';
import { runEntra, ENTRA_SUMMARY } from './connect/entra';
import { SettingError } from './connect/graph';
import { terminalAsk } from './connect/plan';
import { closest } from './suggest';

export * from './connect/common';
export * from './connect/graph';
export * from './connect/plan';

const SUBCOMMANDS: Readonly<Record<string, { run: Subcommand; summary: string }>> = {
  b2c: { run: runB2c, summary: B2C_SUMMARY },
  entra: { run: runEntra, summary: ENTRA_SUMMARY },
};

export const CONNECT_USAGE = `Usage: npm run connect -- <b2c|entra> [options]

${Object.entries(SUBCOMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(8)} ${summary}`)
  .join('\n')}

Run \`npm run connect -- <b2c|entra> --help\` for the options of each.
Exit codes: 0 done or nothing to do, 1 a Graph call failed (safe to run again), 2 bad arguments
or a missing setting (nothing written).`;

export async function runConnectCli(
  argv: readonly string[],
  context: ConnectContext,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? context.io.err : context.io.out)(CONNECT_USAGE);
    return name === undefined ? 2 : 0;
  }
  const subcommand = SUBCOMMANDS[name];
  if (subcommand === undefined) {
    const near = closest(name, Object.keys(SUBCOMMANDS));
    context.io.err(
      `Error: unknown command '${name}'${near === undefined ? '' : ` (did you mean ${near}?)`}; ` +
        `choose ${Object.keys(SUBCOMMANDS).join(' or ')}.`,
    );
    return 2;
  }
  try {
    return await subcommand.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SettingError) {
      context.io.err(`Error: ${error.message}`);
      if (error instanceof UsageError)
        context.io.err(`Run \`npm run connect -- ${name} --help\` for the options.`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  const context: ConnectContext = {
    appRoot: findAppRoot(__dirname),
    cwd: process.env.INIT_CWD ?? process.cwd(),
    env: process.env,
    io: {
      out: (l) => console.log(l),
      err: (l) => console.error(l),
      ask: terminalAsk(process.stdin, process.stderr),
    },
  };
  runConnectCli(process.argv.slice(2), context).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
