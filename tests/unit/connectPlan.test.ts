/**
 * The plan both connect commands print and apply: it asks on a terminal unless --yes, writes
 * nothing on a dry run or a "no", runs the steps in order, and on a failure says what was
 * already written and that running again is safe.
 */
import { describe, expect, it } from 'vitest';
import { applyPlan, type Plan, type PlanIo } from '../../scripts/connect/plan';

function recorder(answer?: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  const io: PlanIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ask:
      answer === undefined
        ? undefined
        : (q) => {
            questions.push(q);
            return Promise.resolve(answer);
          },
  };
  return { io, out, err, questions };
}

function plan(done: string[], failAt?: string): Plan {
  const step = (name: string, action: 'create' | 'update' | 'unchanged') => ({
    kind: 'policy',
    name,
    action,
    why: `because ${name}`,
    apply: () => {
      if (name === failAt) return Promise.reject(new Error(`Graph said no to ${name}`));
      done.push(name);
      return Promise.resolve();
    },
  });
  return {
    title: 'Connect test',
    steps: [step('A', 'create'), step('B', 'unchanged'), step('C', 'update')],
    after: ['Next: try it'],
  };
}

const options = { dryRun: false, yes: false, json: false };

describe('applying a connect plan', () => {
  it('asks on a terminal and writes nothing when the answer is no', async () => {
    const done: string[] = [];
    const r = recorder(false);
    expect(await applyPlan(plan(done), options, r.io)).toBe(0);
    expect(r.questions).toEqual(['Apply 2 change(s)?']);
    expect(done).toEqual([]);
    expect(r.err).toContain('Nothing written.');
  });

  it('applies the changes in order after a yes, skipping what is unchanged', async () => {
    const done: string[] = [];
    const r = recorder(true);
    expect(await applyPlan(plan(done), options, r.io)).toBe(0);
    expect(done).toEqual(['A', 'C']);
    expect(r.out).toEqual(
      expect.arrayContaining(['  done      policy A', '  done      policy C', 'Next: try it']),
    );
  });

  it('does not ask with --yes, nor when stdin is not a terminal', async () => {
    const withYes = recorder(false);
    const done: string[] = [];
    expect(await applyPlan(plan(done), { ...options, yes: true }, withYes.io)).toBe(0);
    expect(withYes.questions).toEqual([]);
    expect(done).toEqual(['A', 'C']);
    expect(await applyPlan(plan(done), options, recorder().io)).toBe(0);
    expect(done).toEqual(['A', 'C', 'A', 'C']);
  });

  it('writes nothing on a dry run and prints each object with its action and reason', async () => {
    const done: string[] = [];
    const r = recorder(true);
    expect(await applyPlan(plan(done), { ...options, dryRun: true }, r.io)).toBe(0);
    expect(done).toEqual([]);
    expect(r.questions).toEqual([]);
    expect(r.out).toEqual(
      expect.arrayContaining([
        '  create    policy A  because A',
        '  unchanged policy B  because B',
        'Dry run: nothing written.',
      ]),
    );
  });

  it('stops at a failure with exit 1, naming what was written and that a rerun is safe', async () => {
    const done: string[] = [];
    const r = recorder();
    expect(await applyPlan(plan(done, 'C'), options, r.io)).toBe(1);
    expect(done).toEqual(['A']);
    expect(r.err).toEqual([
      'Failed to update policy C: Graph said no to C',
      'Already written: policy A.',
      'Running the command again is safe: it finds what is done and carries on from there.',
    ]);
  });

  it('prints one JSON document with --json', async () => {
    const done: string[] = [];
    const r = recorder();
    expect(await applyPlan(plan(done), { ...options, json: true }, r.io)).toBe(0);
    expect(r.out).toHaveLength(1);
    const parsed = JSON.parse(r.out[0] ?? '') as {
      steps: { action: string }[];
      written: string[];
      applied: boolean;
    };
    expect(parsed.steps.map((s) => s.action)).toEqual(['create', 'unchanged', 'update']);
    expect(parsed).toMatchObject({ applied: true, written: ['policy A', 'policy C'] });
  });
});
