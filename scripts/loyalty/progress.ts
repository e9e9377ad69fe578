/**
 * Import progress with cli-progress: a bar redrawn in place on a terminal; elsewhere (CI, a pipe,
 * a log file) the library's no-TTY mode, a plain line every few seconds and one at the end.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** Rows settled so far. */
  update(done: number): void;
  /** Draws the last state and releases the terminal line. */
  stop(): void;
}

export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  readonly total: number;
  /** Between two plain lines when the stream is not a terminal. */
  readonly intervalMs: number;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

export function startProgress(options: ProgressOptions | undefined): Progress {
  if (options === undefined || options.total === 0) return NO_PROGRESS;
  const tty = options.stream.isTTY === true;
  const bar = new SingleBar(
    tty
      ? {
          stream: options.stream,
          format:
            'import [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}',
          etaBuffer: 50,
          hideCursor: false,
        }
      : {
          stream: options.stream,
          noTTYOutput: true,
          notTTYSchedule: options.intervalMs,
          format:
            'import: {value}/{total} rows ({percentage}%), {rate} rows/s, {duration}s elapsed',
        },
    Presets.shades_classic,
  );
  const started = performance.now();
  const rate = (done: number): number => {
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? Math.round(done / seconds) : 0;
  };
  let last = 0;
  bar.start(options.total, 0, { rate: 0 });
  return {
    update: (done) => {
      last = done;
      bar.update(done, { rate: rate(done) });
    },
    stop: () => {
      bar.update(last, { rate: rate(last) });
      bar.stop();
    },
  };
}
