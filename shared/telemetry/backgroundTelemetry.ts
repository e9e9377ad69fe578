/**
 * The telemetry port as the app uses it when Application Insights is configured: records are
 * handed to a telemetry thread (telemetryWorker.ts), which loads the SDK and sends them. Loading
 * the SDK takes about a second of CPU; on the main thread it would hold a cold instance's first
 * answers past Entra's budget, on its own thread it costs the first answer nothing.
 *
 * What is recorded before the thread is ready is kept, up to a bound (the oldest kept, the rest
 * counted and reported as one TelemetryDropped event), and sent once it is. After that, records
 * go over in one message per event-loop turn. If the thread cannot start, telemetry is off,
 * said once in the log; the functions answer as before. If a thread that was sending dies, a new
 * one is started after a back-off (doubling, at most RESTART_MAX_DELAY_MS), each restart counted
 * and said once in the log; records wait for it as at start.
 */
import { Worker } from 'node:worker_threads';
import type { AppInsightsOptions } from './appInsights';
import type { DependencyRecord, RequestRecord, Telemetry, TelemetryProperties } from './telemetry';
import {
  plainError,
  type FromTelemetryThread,
  type TelemetryItem,
  type ToTelemetryThread,
} from './telemetryMessages';

/** The channel to the thread that sends: a Worker in the app, a fake in unit tests. */
export interface TelemetryThread {
  post(message: ToTelemetryThread): void;
  /** Messages from the thread; `gone` when it stopped or failed to start (with why). */
  listen(onMessage: (message: FromTelemetryThread) => void, gone: (reason: string) => void): void;
}

export interface BackgroundTelemetryOptions {
  /** Records kept while the thread starts. */
  readonly maxPending?: number;
  /** How long flush() waits for the thread to start, then to send. */
  readonly flushTimeoutMs?: number;
  /** The first restart's delay after a sending thread died; each next one doubles it. */
  readonly restartDelayMs?: number;
  readonly log?: TelemetryLog;
}

export interface TelemetryLog {
  info(text: string): void;
  warn(text: string): void;
}

const CONSOLE: TelemetryLog = {
  info: (text) => console.log(text),
  warn: (text) => console.warn(text),
};

export const MAX_PENDING = 10_000;
const FLUSH_TIMEOUT_MS = 8_000;
const RESTART_DELAY_MS = 1_000;
export const RESTART_MAX_DELAY_MS = 5 * 60_000;

export class BackgroundTelemetry implements Telemetry {
  readonly enabled = true;
  #state: 'starting' | 'ready' | 'off' = 'starting';
  #pending: TelemetryItem[] = [];
  #dropped = 0;
  #scheduled = false;
  #flushes = 0;
  /** Threads started again after one died: a dead thread's late messages are told apart by it. */
  #restarts = 0;
  #thread: TelemetryThread;
  readonly #waiters = new Set<() => void>();
  readonly #acknowledged = new Set<number>();
  readonly #maxPending: number;
  readonly #flushTimeoutMs: number;
  readonly #restartDelayMs: number;
  readonly #log: TelemetryLog;
  #started = Date.now();

  /** `start` starts a telemetry thread: once at first, again whenever a sending one died. */
  constructor(
    private readonly start: () => TelemetryThread,
    options: BackgroundTelemetryOptions = {},
  ) {
    this.#maxPending = options.maxPending ?? MAX_PENDING;
    this.#flushTimeoutMs = options.flushTimeoutMs ?? FLUSH_TIMEOUT_MS;
    this.#restartDelayMs = options.restartDelayMs ?? RESTART_DELAY_MS;
    this.#log = options.log ?? CONSOLE;
    this.#thread = this.#open();
  }

  #open(): TelemetryThread {
    const generation = this.#restarts;
    const thread = this.start();
    // A dead thread may still report (its error, then its exit): only the current one counts.
    thread.listen(
      (message) => {
        if (generation === this.#restarts) this.#onMessage(message);
      },
      (reason) => {
        if (generation === this.#restarts) this.#gone(reason);
      },
    );
    return thread;
  }

  trackEvent(name: string, properties: TelemetryProperties): void {
    this.#record({ kind: 'event', name, properties });
  }

  trackException(error: unknown, properties: TelemetryProperties): void {
    this.#record({ kind: 'exception', error: plainError(error), properties });
  }

  trackRequest(record: RequestRecord): void {
    this.#record({ kind: 'request', record });
  }

  trackDependency(record: DependencyRecord): void {
    this.#record({ kind: 'dependency', record });
  }

  /** Sends everything recorded so far; resolves when the SDK has sent it, or after the timeout. */
  async flush(): Promise<void> {
    const deadline = Date.now() + this.#flushTimeoutMs;
    await this.#waitFor(() => this.#state !== 'starting', deadline);
    if (this.#state !== 'ready') return;
    this.#send();
    const id = ++this.#flushes;
    this.#thread.post({ type: 'flush', id });
    await this.#waitFor(() => this.#acknowledged.has(id) || this.#state === 'off', deadline);
    this.#acknowledged.delete(id);
  }

  #record(item: TelemetryItem): void {
    if (this.#state === 'off') return;
    if (this.#pending.length >= this.#maxPending) {
      this.#dropped++;
      return;
    }
    this.#pending.push(item);
    if (this.#state === 'ready' && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#send());
    }
  }

  #send(): void {
    this.#scheduled = false;
    if (this.#dropped > 0) {
      this.#pending.push({
        kind: 'event',
        name: 'TelemetryDropped',
        properties: { count: String(this.#dropped), reason: 'more records than the buffer holds' },
      });
      this.#dropped = 0;
    }
    if (this.#pending.length === 0) return;
    const items = this.#pending;
    this.#pending = [];
    this.#thread.post({ type: 'items', items });
  }

  #onMessage(message: FromTelemetryThread): void {
    if (message.type === 'failed') return this.#gone(message.reason);
    if (message.type === 'flushed') {
      this.#acknowledged.add(message.id);
      return this.#wake();
    }
    if (this.#state === 'ready') return;
    this.#state = 'ready';
    this.#log.info(
      `Telemetry: sending to Application Insights, ready ${Date.now() - this.#started} ms after ` +
        `start; ${this.#pending.length + this.#dropped} records were waiting.`,
    );
    if (this.#restarts > 0) {
      this.#pending.unshift({
        kind: 'event',
        name: 'TelemetryRestarted',
        properties: { count: String(this.#restarts) },
      });
    }
    this.#send();
    this.#wake();
  }

  /**
   * The thread stopped or failed. One that never sent (the SDK cannot load) turns telemetry
   * off; one that did, or a restarted one, is started again after the back-off.
   */
  #gone(reason: string): void {
    if (this.#state === 'off') return;
    if (this.#state === 'starting' && this.#restarts === 0) return this.#off(reason);
    this.#restarts++;
    this.#state = 'starting';
    const delay = Math.min(this.#restartDelayMs * 2 ** (this.#restarts - 1), RESTART_MAX_DELAY_MS);
    this.#log.warn(
      `Telemetry: the Application Insights thread stopped (${reason}); restart ${this.#restarts} ` +
        `in ${delay} ms, records wait for it.`,
    );
    const timer = setTimeout(() => {
      this.#started = Date.now();
      this.#thread = this.#open();
    }, delay);
    timer.unref();
    this.#wake();
  }

  #off(reason: string): void {
    if (this.#state === 'off') return;
    const lost = this.#pending.length + this.#dropped;
    this.#state = 'off';
    this.#pending = [];
    this.#log.warn(
      `Telemetry is off: the Application Insights thread stopped (${reason})` +
        (lost > 0 ? `; ${lost} records not sent.` : '.'),
    );
    this.#wake();
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
  }

  /** Waits until `done()` holds (checked whenever a message arrives) or the deadline passes. */
  async #waitFor(done: () => boolean, deadline: number): Promise<void> {
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }
}

/**
 * The telemetry thread over a Worker running telemetryWorker.js beside this file (named through
 * require.resolve, so `npm run package` sees that the file is needed).
 */
export function startTelemetryThread(options: AppInsightsOptions): TelemetryThread {
  const worker = new Worker(require.resolve('./telemetryWorker'), { workerData: options });
  // The thread never keeps the process alive: appTerminate flushes what is left.
  worker.unref();
  return {
    post: (message) => worker.postMessage(message),
    listen(onMessage, gone) {
      worker.on('message', onMessage);
      worker.on('error', (error) => gone(`${error.name}: ${error.message}`));
      worker.on('exit', (code) => gone(`exit code ${code}`));
    },
  };
}

export function createBackgroundTelemetry(
  options: AppInsightsOptions,
  settings?: BackgroundTelemetryOptions,
): Telemetry {
  return new BackgroundTelemetry(() => startTelemetryThread(options), settings);
}
