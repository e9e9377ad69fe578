/** The help of `npm run loyalty` and of each of its commands. */

const SETTINGS = `Settings: the same as the app (local.settings.json Values, then the environment):
TABLES_CONNECTION_STRING (or AzureWebJobsStorage; default UseDevelopmentStorage=true, with
the embedded Azurite started on .azurite/ when nothing listens on 127.0.0.1:10002), or
TABLES_ENDPOINT (https://<account>.table.core.windows.net, reached with your Microsoft Entra
sign-in: az login, or AZURE_CLIENT_ID for a managed identity), LOYALTY_TABLE_NAME,
BALANCES_TABLE_NAME, FAILED_VALIDATIONS_TABLE_NAME, FAILED_VALIDATION_WINDOW_MINUTES.`;

export const USAGE = `Usage: npm run loyalty -- <command> [options]

Commands:
  add             Registers (or updates) one member.
  import          Loads members from a CSV or JSON Lines file; safe to repeat.
  export          Writes every member to a CSV file (or standard output).
  get             Prints every membership of one email as JSON.
  balance         Prints or sets the balance of one user.
  remove          Removes the memberships of one email (or one of them).
  prune-attempts  Removes the guessing throttle's rows whose window has passed.
  reset-attempts  Removes the guessing throttle's rows of one email: it may try again at once.
  help            This text; \`help <command>\` or \`<command> --help\` for one command.
  --version       Prints the version.

Exit codes: 0 done; 1 not found, rows rejected or storage failed (safe to run again);
2 bad arguments.

${SETTINGS}`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  add: `Usage: npm run loyalty -- add --email E --loyalty-id L --promo-code P [--status S]

Registers the loyalty ID L for the email E with the promo code P, or updates it; prints
whether it was added, updated or unchanged.

Options:
  --email E          The member's email (stored trimmed and lower-case).
  --loyalty-id L     The loyalty ID, exactly as given (case matters).
  --promo-code P     The promo code the token carries.
  --status S         active (default) or suspended.
  -h, --help         This help.`,

  import: `Usage: npm run loyalty -- import FILE [--format csv|jsonl]

Loads members from FILE, then prints a summary: rows added, updated, unchanged and rejected.
Safe to repeat: a row already stored as it is stays unchanged; an interrupted import is simply
run again. A bad row is reported with its line number (on standard error) while the others
load, and the command then exits 1.

Formats (from the file name, or --format):
  .csv               A header naming the columns email,loyaltyId,promoCode,status (any order;
                     status optional, default active; other columns ignored), RFC 4180 quoting.
  .jsonl, .ndjson    JSON Lines: one object per line with the string fields email, loyaltyId,
                     promoCode and optionally status; blank lines are skipped.

Options:
  --format F         csv or jsonl (also ndjson), for a file named otherwise.
  -h, --help         This help.

Progress: a bar on a terminal, a plain line every 5 seconds otherwise (CI, a pipe), on
standard error. The file is read whole before the rows are saved.`,

  export: `Usage: npm run loyalty -- export [--out FILE]

Writes every member as CSV (RFC 4180, UTF-8, CRLF line ends) with the header
email,loyaltyId,promoCode,status, grouped by email, in storage order: the file \`import\` reads.

Options:
  --out FILE         Write to FILE (written to FILE.partial, renamed when complete) and print
                     how many members were written. Without it, standard output; then run
                     \`npm run --silent loyalty -- export\` so npm's own lines stay out of it.
  -h, --help         This help.`,

  get: `Usage: npm run loyalty -- get --email E

Prints every membership of the email E as JSON; exits 1 when there is none.

Options:
  --email E          The email (matched trimmed and case-insensitively).
  -h, --help         This help.`,

  balance: `Usage: npm run loyalty -- balance --object-id ID [--set AMOUNT]

Prints the balance of the user ID (the B2C objectId) as JSON, or sets it. A user has no
balance until the first sign-in registers one with STARTING_BALANCE; then this exits 1.

Options:
  --object-id ID     The user's B2C objectId (a GUID).
  --set AMOUNT       Sets the balance: a non-negative amount with at most 2 decimals (12.34).
  -h, --help         This help.`,

  'prune-attempts': `Usage: npm run loyalty -- prune-attempts

Removes the rows of the guessing throttle (FAILED_VALIDATIONS_TABLE_NAME) whose window
(FAILED_VALIDATION_WINDOW_MINUTES) has passed, and prints how many. Safe to run at any time and
to repeat: a row counted again meanwhile is left. In Azure the app does this itself every hour
(the PruneAttempts timer function).

Options:
  -h, --help         This help.`,

  'reset-attempts': `Usage: npm run loyalty -- reset-attempts --email E

Removes every row of the guessing throttle for the email E (its own counter and those of each
IP address it was guessed from), and prints how many: a member locked out by wrong guesses can
sign up at once. Safe to repeat.

Options:
  --email E          The email (matched trimmed and case-insensitively).
  -h, --help         This help.`,

  remove: `Usage: npm run loyalty -- remove --email E [--loyalty-id L] [--yes]

Removes the memberships of the email E, or only the one with loyalty ID L. Prints what it will
remove first, then asks on a terminal; when standard input is not a terminal (a script, CI) it
removes only with --yes. Exits 1 when there is nothing to remove.

Options:
  --email E          The email (matched trimmed and case-insensitively).
  --loyalty-id L     Only this membership (case matters).
  -y, --yes          Remove without asking.
  -h, --help         This help.`,
};

/** The help of one command, or the general usage for an unknown or absent one. */
export function helpFor(command: string | undefined): string {
  return (command !== undefined && COMMAND_HELP[command]) || USAGE;
}
