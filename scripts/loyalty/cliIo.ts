/** What every loyalty command shares: its output, its usage errors and its argument parsing. */
import { parseArgs } from 'node:util';
import { explainArgsError } from '../suggest';

export interface CliIo {
  /** A line for standard output (results, the import summary). */
  readonly out: (line: string) => void;
  /** A line for standard error (rejected rows, warnings). */
  readonly err: (line: string) => void;
  /** Raw standard output for data (`export` without --out); without it, out() gets each record. */
  readonly stdout?: NodeJS.WritableStream;
  /**
   * Where import progress goes (standard error in the command): a bar on a terminal, a plain line
   * every `progressIntervalMs` otherwise. No progress without it.
   */
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Between two plain progress lines when `progress` is not a terminal. Default 5000 ms. */
  readonly progressIntervalMs?: number;
  /** Standard input is a terminal: a command that removes data may ask first (`confirm`). */
  readonly interactive?: boolean;
  /** Asks a yes-or-no question on the terminal; true for yes. */
  readonly confirm?: (question: string) => Promise<boolean>;
}

/** A mistake in the command line: printed with a pointer to the command's help, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to print with it; the general usage when absent. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Options = Record<string, string | boolean | undefined>;
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Strict parsing: an unknown option or a missing value is a UsageError for `command`. */
export function parseCommand(
  command: string,
  args: readonly string[],
  spec: OptionSpec,
): { values: Options; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...spec, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Options, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(explainArgsError(error, [...Object.keys(spec), 'help']), command);
  }
}

export function required(values: Options, name: string, command: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${name} is required`, command);
  }
  return value;
}

export function optional(values: Options, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
