/**
 * Refused callers, as an aggregate: anonymous traffic must not buy one log line and one
 * telemetry record per request. Within a window (a minute), the first refusal of each distinct
 * reason is logged at once (so an operator sees why, right away); the rest are only counted.
 * When the window ends, one `CallerRefused` event carries the count and the reasons with their
 * counts, and one log line says the same.
 */
import type { Telemetry } from '../telemetry/telemetry';

export const REFUSAL_WINDOW_MS = 60_000;
/** Distinct reasons kept per window; more are counted as "other reasons". */
export const MAX_REASONS = 20;

export interface RefusalLogOptions {
  readonly windowMs?: number;
  /** Where the window's summary line goes (no invocation is running when it closes). */
  readonly log?: (text: string) => void;
}

export class RefusalLog {
  #count = 0;
  #others = 0;
  readonly #reasons = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #windowMs: number;
  readonly #log: (text: string) => void;

  constructor(
    private readonly telemetry: Telemetry,
    options: RefusalLogOptions = {},
  ) {
    this.#windowMs = options.windowMs ?? REFUSAL_WINDOW_MS;
    this.#log = options.log ?? ((text) => console.warn(text));
  }

  /** Counts one refusal; `warn` logs it when its reason is new in this window. */
  refused(reason: string, warn: (text: string) => void): void {
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.close(), this.#windowMs);
      this.#timer.unref();
    }
    this.#count++;
    const seen = this.#reasons.get(reason);
    if (seen !== undefined) {
      this.#reasons.set(reason, seen + 1);
    } else if (this.#reasons.size < MAX_REASONS) {
      this.#reasons.set(reason, 1);
      warn(`caller refused: ${reason}`);
    } else {
      this.#others++;
    }
  }

  /** Ends the window: its one event and its one log line (nothing when nobody was refused). */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#count === 0) return;
    const reasons = [...this.#reasons].map(([reason, n]) => `${reason} (${n})`);
    if (this.#others > 0) reasons.push(`other reasons (${this.#others})`);
    const seconds = String(Math.round(this.#windowMs / 1000));
    this.telemetry.trackEvent('CallerRefused', {
      count: String(this.#count),
      windowSeconds: seconds,
      reasons: reasons.join('; '),
    });
    this.#log(`callers refused ${this.#count} times in ${seconds} s: ${reasons.join('; ')}`);
    this.#count = 0;
    this.#others = 0;
    this.#reasons.clear();
  }
}
