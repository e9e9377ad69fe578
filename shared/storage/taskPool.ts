/**
 * Bounded concurrency for bulk storage work: at most `limit` tasks in flight. The first failure
 * stops new tasks; `drain` waits for those still running (so nothing writes after the caller has
 * returned) and then rethrows it.
 */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  /** Callers of run() waiting for a slot, woken one per finished task (all on a failure). */
  private readonly waiting: (() => void)[] = [];
  private failure: { readonly error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** Starts `task` once a slot is free; throws the first failure instead, once there is one. */
  async run(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit && this.failure === undefined) {
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
    if (this.failure !== undefined) throw this.failure.error;
    const tracked: Promise<void> = task().then(
      () => this.finished(tracked),
      (error: unknown) => {
        this.failure ??= { error };
        this.finished(tracked);
      },
    );
    this.running.add(tracked);
  }

  /** Waits for every task started; throws the first failure, if any. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    if (this.failure !== undefined) throw this.failure.error;
  }

  private finished(task: Promise<void>): void {
    this.running.delete(task);
    if (this.failure === undefined) this.waiting.shift()?.();
    else this.waiting.splice(0).forEach((wake) => wake());
  }
}
