/**
 * Cancellation for every layer: a light signal (what the Azure SDK's `abortSignal` option and
 * every wait here need: `aborted`, `reason`, add and remove an `abort` listener), bounded signals
 * and abortable waits. Not Node's AbortController: on Node 20 each one costs tens of µs to make
 * (it is made transferable), and a request makes one per storage call; this one costs a few
 * objects, and aborting one nobody listens to is free.
 */

export interface AbortEventLike {
  readonly type: string;
}

type Listener = (event: AbortEventLike) => void;

/** A signal that aborts once: the shape AbortSignal and the SDK's AbortSignalLike share. */
export interface Signal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: Listener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: Listener): void;
}

const ABORT_EVENT: AbortEventLike = Object.freeze({ type: 'abort' });

/** The signal a SignalController hands out; only its controller aborts it. */
class ControlledSignal implements Signal {
  aborted = false;
  reason: unknown = undefined;
  listeners: Listener[] = [];

  addEventListener(_type: 'abort', listener: Listener): void {
    if (!this.aborted) this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: Listener): void {
    const at = this.listeners.indexOf(listener);
    if (at !== -1) this.listeners.splice(at, 1);
  }
}

export class SignalController {
  readonly #signal = new ControlledSignal();

  /** The controller's read-only face. */
  get signal(): Signal {
    return this.#signal;
  }

  abort(reason: unknown): void {
    const signal = this.#signal;
    if (signal.aborted) return;
    signal.aborted = true;
    signal.reason = reason;
    const listeners = signal.listeners;
    signal.listeners = [];
    for (const listener of listeners) listener(ABORT_EVENT);
  }
}

/**
 * A signal that aborts when `parent` does or after `timeoutMs`, with a `dispose` that clears its
 * timer and listener as soon as the call it guards has settled (no timer outlives a call).
 * `native` makes it a real AbortSignal: for the Azure SDK, which wraps any other kind in an
 * AbortController of its own (an extra controller and listener per call).
 */
export function boundedSignal(
  parent: Signal | undefined,
  timeoutMs: number,
  onTimeout: () => unknown,
  native?: false,
): { signal: Signal; dispose: () => void };
export function boundedSignal(
  parent: Signal | undefined,
  timeoutMs: number,
  onTimeout: () => unknown,
  native: true,
): { signal: AbortSignal; dispose: () => void };
export function boundedSignal(
  parent: Signal | undefined,
  timeoutMs: number,
  onTimeout: () => unknown,
  native = false,
): { signal: Signal; dispose: () => void } {
  const controller = native ? new AbortController() : new SignalController();
  const timer = setTimeout(() => controller.abort(onTimeout()), timeoutMs);
  const onParentAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort);
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** Waits `ms`, or less when `signal` aborts (then it rejects with the signal's reason). */
export function sleep(ms: number, signal?: Signal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort);
  });
}

/** The work's result, or a rejection with the signal's reason as soon as `signal` aborts. */
export function untilAborted<T>(work: Promise<T>, signal: Signal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort);
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
