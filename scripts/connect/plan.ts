/**
 * The plan both connect commands print and apply: each object the command manages, what it will
 * do to it (create, update, unchanged, or a step left to do by hand) and why. Applying runs the
 * steps in order; when one fails the message says which were written already and that running
 * the command again is safe (every step is found first, so what is done is found unchanged).
 */
import { createInterface } from 'node:readline/promises';
import { GraphError } from './graph';

export type Action = 'create' | 'update' | 'unchanged' | 'manual';

export interface PlanStep {
  /** What sort of object, e.g. `policy key`, `application`, `policy`. */
  readonly kind: string;
  /** Its name as the tenant shows it. */
  readonly name: string;
  readonly action: Action;
  /** Why this action (what was found). */
  readonly why: string;
  /** Writes the change (create/update only). Runs after the steps before it. */
  readonly apply?: () => Promise<void>;
}

export interface Plan {
  /** e.g. `Connect contoso.onmicrosoft.com (Azure AD B2C) to https://…`. */
  readonly title: string;
  readonly steps: readonly PlanStep[];
  /** Printed after applying (or after a dry run): next steps, URLs. */
  readonly after: readonly string[];
}

export interface PlanIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Asks a yes/no question; undefined when stdin is not a terminal (then no question). */
  readonly ask?: ((question: string) => Promise<boolean>) | undefined;
}

export interface ApplyOptions {
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly json: boolean;
}

const LABEL: Record<Action, string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  manual: 'by hand',
};

export const changes = (plan: Plan): PlanStep[] =>
  plan.steps.filter((s) => s.action === 'create' || s.action === 'update');

export function planLines(plan: Plan): string[] {
  const width = Math.max(8, ...plan.steps.map((s) => `${s.kind} ${s.name}`.length));
  const lines = [plan.title, ''];
  for (const step of plan.steps) {
    lines.push(
      `  ${LABEL[step.action].padEnd(9)} ${`${step.kind} ${step.name}`.padEnd(width)}  ${step.why}`,
    );
  }
  const count = changes(plan).length;
  lines.push('', count === 0 ? 'Nothing to change.' : `${count} change(s) to make.`);
  return lines;
}

export function planJson(plan: Plan, outcome: Record<string, unknown>): string {
  return JSON.stringify(
    {
      title: plan.title,
      steps: plan.steps.map(({ kind, name, action, why }) => ({ kind, name, action, why })),
      after: plan.after,
      ...outcome,
    },
    null,
    2,
  );
}

/** A yes/no question on the terminal (default no). */
export function terminalAsk(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  output: NodeJS.WritableStream,
): PlanIo['ask'] {
  if (input.isTTY !== true) return undefined;
  return async (question) => {
    const rl = createInterface({ input, output });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}

/**
 * Prints the plan, asks (on a terminal, unless --yes), applies it. Exit code 0 done or nothing
 * to do (or a dry run, or the answer no), 1 a step failed.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions, io: PlanIo): Promise<number> {
  const todo = changes(plan);
  if (!options.json) for (const line of planLines(plan)) io.out(line);
  const finish = (outcome: Record<string, unknown>): void => {
    if (options.json) io.out(planJson(plan, outcome));
    else if (plan.after.length > 0) for (const line of ['', ...plan.after]) io.out(line);
  };
  if (todo.length === 0 || options.dryRun) {
    if (options.dryRun && todo.length > 0 && !options.json) io.out('Dry run: nothing written.');
    finish({ applied: false, dryRun: options.dryRun, written: [] });
    return 0;
  }
  if (!options.yes && io.ask !== undefined && !(await io.ask(`Apply ${todo.length} change(s)?`))) {
    io.err('Nothing written.');
    finish({ applied: false, dryRun: false, written: [] });
    return 0;
  }
  const written: string[] = [];
  for (const step of plan.steps) {
    if (step.apply === undefined || (step.action !== 'create' && step.action !== 'update'))
      continue;
    const name = `${step.kind} ${step.name}`;
    try {
      await step.apply();
    } catch (error) {
      const message =
        error instanceof GraphError || error instanceof Error ? error.message : String(error);
      io.err(`Failed to ${step.action} ${name}: ${message}`);
      io.err(
        written.length === 0
          ? 'Nothing was written before it.'
          : `Already written: ${written.join('; ')}.`,
      );
      io.err('Running the command again is safe: it finds what is done and carries on from there.');
      if (options.json) io.out(planJson(plan, { applied: false, failed: name, written }));
      return 1;
    }
    written.push(name);
    if (!options.json) io.out(`  done      ${name}`);
  }
  finish({ applied: true, dryRun: false, written });
  return 0;
}
