/**
 * The commands that undo: `prune-attempts` and `reset-attempts` (the guessing throttle's rows)
 * and `remove` (memberships). None prints an email: what was removed is said by count and
 * loyalty ID.
 */
import type { MemberAdmin } from '../../shared/loyalty/admin';
import type { AttemptStore } from '../../shared/loyalty/ports';
import { optional, parseCommand, required, UsageError, type CliIo, type Options } from './cliIo';

/** The throttle's store and its window, or how to open them (prune-attempts, reset-attempts). */
export interface AttemptsTarget {
  readonly store: AttemptStore;
  readonly windowMs: number;
  readonly now?: () => Date;
}
export type AttemptsSource = AttemptsTarget | (() => Promise<AttemptsTarget>);

/** A command's parsed options, or undefined when it was asked for its help. */
type Parsed = { values: Options; positionals: string[] } | undefined;

function parse(
  command: string,
  args: readonly string[],
  spec: Parameters<typeof parseCommand>[2],
): Parsed {
  const parsed = parseCommand(command, args, spec);
  if (parsed.values.help) return undefined;
  if (parsed.positionals.length > 0) {
    throw new UsageError(`${command} takes no argument '${parsed.positionals[0]}'`, command);
  }
  return parsed;
}

async function attempts(source: AttemptsSource | undefined): Promise<AttemptsTarget> {
  if (source === undefined) throw new Error('no throttle store');
  return typeof source === 'function' ? source() : source;
}

/** prune-attempts; undefined: print the command's help. */
export async function pruneAttempts(
  args: readonly string[],
  source: AttemptsSource | undefined,
  io: CliIo,
): Promise<number | undefined> {
  if (parse('prune-attempts', args, {}) === undefined) return undefined;
  const throttle = await attempts(source);
  const now = throttle.now?.() ?? new Date();
  const removed = await throttle.store.prune(new Date(now.getTime() - throttle.windowMs));
  io.out(`Removed ${removed} throttle rows whose window had passed.`);
  return 0;
}

/** reset-attempts --email E: every throttle row of one email, its addresses' included. */
export async function resetAttempts(
  args: readonly string[],
  source: AttemptsSource | undefined,
  io: CliIo,
): Promise<number | undefined> {
  const parsed = parse('reset-attempts', args, { email: { type: 'string' } });
  if (parsed === undefined) return undefined;
  const email = required(parsed.values, 'email', 'reset-attempts');
  const removed = await (await attempts(source)).store.reset(email);
  io.out(
    `Removed ${removed} throttle ${removed === 1 ? 'row' : 'rows'} of that email: its next sign-up is checked as if it had never failed.`,
  );
  return 0;
}

/** remove --email E [--loyalty-id L] [--yes]: shows what it removes, then asks (or wants --yes). */
export async function removeMembers(
  args: readonly string[],
  repository: () => Promise<MemberAdmin>,
  io: CliIo,
): Promise<number | undefined> {
  const command = 'remove';
  const parsed = parse(command, args, {
    email: { type: 'string' },
    'loyalty-id': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
  });
  if (parsed === undefined) return undefined;
  const email = required(parsed.values, 'email', command);
  const loyaltyId = optional(parsed.values, 'loyalty-id');
  if (loyaltyId !== undefined && loyaltyId.trim() === '') {
    throw new UsageError('--loyalty-id is empty', command);
  }
  const admin = await repository();
  const held = (await admin.listMembersByEmail(email)).filter(
    (m) => loyaltyId === undefined || m.loyaltyId === loyaltyId,
  );
  if (held.length === 0) {
    io.err(
      `Nothing to remove: that email holds no membership${loyaltyId === undefined ? '' : ` with loyalty ID ${loyaltyId}`}.`,
    );
    return 1;
  }
  const ids = held.map((m) => m.loyaltyId).join(', ');
  io.out(
    `Plan: remove ${held.length} ${held.length === 1 ? 'membership' : 'memberships'} of that email (loyalty ID ${ids}).`,
  );
  if (parsed.values.yes !== true) {
    if (io.interactive !== true || io.confirm === undefined) {
      throw new UsageError('standard input is not a terminal: add --yes to remove', command);
    }
    if (!(await io.confirm('Remove? [y/N] '))) {
      io.err('Nothing removed.');
      return 1;
    }
  }
  const removed = await admin.removeMembers(email, loyaltyId);
  io.out(`Removed ${removed.length} ${removed.length === 1 ? 'membership' : 'memberships'}.`);
  return 0;
}
