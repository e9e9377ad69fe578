/**
 * One deadline per request: created when the request arrives, it covers the whole request
 * (caller check included) and its `signal` is passed down to every storage call and every wait
 * for signing keys, so no I/O of a request outlives it. The budget can only shrink: an Entra
 * call, once recognised, gets ENTRA_REQUEST_BUDGET_MS counted from the arrival.
 */
import { SignalController, untilAborted, type Signal } from '../abort';

export class DeadlineExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`no answer within ${budgetMs} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/** Why I/O still running after the answer is cancelled (one object: nothing to build per call). */
const ANSWERED = Object.freeze(new Error('the request was answered'));

export class Deadline {
  private readonly controller = new SignalController();
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private budget: number;

  constructor(budgetMs: number) {
    this.budget = budgetMs;
    this.arm();
  }

  /** Aborts when the budget is spent (or the request is over): pass it to every I/O call. */
  get signal(): Signal {
    return this.controller.signal;
  }

  get budgetMs(): number {
    return this.budget;
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  remainingMs(): number {
    return Math.max(0, this.startedAt + this.budget - performance.now());
  }

  /** Shrinks the budget (counted from the arrival); a larger one changes nothing. */
  tighten(budgetMs: number): void {
    if (budgetMs >= this.budget || this.expired) return;
    this.budget = budgetMs;
    this.arm();
  }

  /** Ends the deadline early (the answer went out): I/O still running is cancelled. */
  settle(): void {
    clearTimeout(this.timer);
    this.controller.abort(ANSWERED);
  }

  /** The work's result, or DeadlineExceeded when the budget runs out first. */
  race<T>(work: Promise<T>): Promise<T> {
    return untilAborted(work, this.signal);
  }

  private arm(): void {
    clearTimeout(this.timer);
    const left = this.remainingMs();
    if (left <= 0) {
      this.controller.abort(new DeadlineExceeded(this.budget));
      return;
    }
    this.timer = setTimeout(() => this.controller.abort(new DeadlineExceeded(this.budget)), left);
  }
}
