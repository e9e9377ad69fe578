/**
 * The main thread's side of telemetry, over a fake telemetry thread: what is recorded before the
 * SDK is ready is kept (bounded) and sent once it is, in order; flush waits for the thread; a
 * thread that cannot start turns telemetry off with one line in the log.
 */
import { describe, expect, it } from 'vitest';
import {
  BackgroundTelemetry,
  type TelemetryLog,
  type TelemetryThread,
} from '../../shared/telemetry/backgroundTelemetry';
import type {
  FromTelemetryThread,
  TelemetryItem,
  ToTelemetryThread,
} from '../../shared/telemetry/telemetryMessages';

class FakeThread implements TelemetryThread {
  readonly posted: ToTelemetryThread[] = [];
  /** Acknowledge flushes as the real thread does. */
  answersFlush = true;
  #onMessage: (message: FromTelemetryThread) => void = () => {};
  #gone: (reason: string) => void = () => {};

  post(message: ToTelemetryThread): void {
    this.posted.push(message);
    if (message.type === 'flush' && this.answersFlush) {
      queueMicrotask(() => this.#onMessage({ type: 'flushed', id: message.id }));
    }
  }

  listen(onMessage: (message: FromTelemetryThread) => void, gone: (reason: string) => void): void {
    this.#onMessage = onMessage;
    this.#gone = gone;
  }

  say(message: FromTelemetryThread): void {
    this.#onMessage(message);
  }

  stop(reason: string): void {
    this.#gone(reason);
  }

  items(): TelemetryItem[] {
    return this.posted.flatMap((m) => (m.type === 'items' ? m.items : []));
  }
}

function recordingLog(): TelemetryLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (text) => lines.push(`info ${text}`),
    warn: (t) => lines.push(`warn ${t}`),
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setUp(
  options: { maxPending?: number; flushTimeoutMs?: number; restartDelayMs?: number } = {},
) {
  /** Every thread started, the first one first. */
  const threads: FakeThread[] = [];
  const log = recordingLog();
  const start = (): FakeThread => {
    const started = new FakeThread();
    threads.push(started);
    return started;
  };
  const telemetry = new BackgroundTelemetry(start, { ...options, log });
  const thread = threads[0] as FakeThread;
  return { thread, threads, log, telemetry };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('telemetry recorded before the SDK is ready', () => {
  it('is kept and sent in order once the thread is ready', async () => {
    const { thread, telemetry, log } = setUp();
    telemetry.trackRequest({
      name: 'POST /api/ValidateProfile',
      method: 'POST',
      url: 'http://localhost/api/ValidateProfile',
      durationMs: 12,
      resultCode: 200,
      success: true,
      properties: { invocationId: 'first' },
    });
    telemetry.trackEvent('ValidateProfile', { outcome: 'promo' });
    await nextTurn();
    expect(thread.posted).toEqual([]); // nothing goes before the SDK is loaded

    thread.say({ type: 'ready' });
    expect(thread.items().map((i) => (i.kind === 'event' ? i.name : i.kind))).toEqual([
      'request',
      'ValidateProfile',
    ]);
    expect(log.lines).toEqual([expect.stringMatching(/^info Telemetry: .*2 records were waiting/)]);
  });

  it('is bounded: beyond the bound records are counted and reported as one event', () => {
    const { thread, telemetry } = setUp({ maxPending: 3 });
    for (let i = 0; i < 5; i++) telemetry.trackEvent(`e${i}`, {});
    thread.say({ type: 'ready' });
    const items = thread.items();
    expect(items.map((i) => (i.kind === 'event' ? i.name : i.kind))).toEqual([
      'e0',
      'e1',
      'e2',
      'TelemetryDropped',
    ]);
    expect(items[3]).toMatchObject({ properties: { count: '2' } });
  });

  it('is bounded once ready too: what one turn cannot hold is counted and reported', async () => {
    const { thread, telemetry } = setUp({ maxPending: 2 });
    thread.say({ type: 'ready' });
    for (let i = 0; i < 5; i++) telemetry.trackEvent(`e${i}`, {});
    await nextTurn();
    expect(thread.items().map((i) => (i.kind === 'event' ? i.name : i.kind))).toEqual([
      'e0',
      'e1',
      'TelemetryDropped',
    ]);
    expect(thread.items()[2]).toMatchObject({ properties: { count: '3' } });
  });

  it('carries an exception as its name, message and stack only', () => {
    const { thread, telemetry } = setUp();
    const error = Object.assign(new TypeError('bad row'), { secretField: 'x@contoso.com' });
    telemetry.trackException(error, { function: 'GetProfile' });
    telemetry.trackException('a string', {});
    thread.say({ type: 'ready' });
    const [first, second] = thread.items();
    expect(first).toEqual({
      kind: 'exception',
      error: { name: 'TypeError', message: 'bad row', stack: error.stack },
      properties: { function: 'GetProfile' },
    });
    expect(second).toMatchObject({ error: { message: 'Non-error thrown: string' } });
  });
});

describe('telemetry once the thread is ready', () => {
  it('goes over in one message per event-loop turn', async () => {
    const { thread, telemetry } = setUp();
    thread.say({ type: 'ready' });
    telemetry.trackEvent('a', {});
    telemetry.trackEvent('b', {});
    expect(thread.posted).toEqual([]);
    await nextTurn();
    expect(thread.posted).toEqual([
      {
        type: 'items',
        items: [
          { kind: 'event', name: 'a', properties: {} },
          { kind: 'event', name: 'b', properties: {} },
        ],
      },
    ]);
  });

  it('flush sends what is pending, then waits for the thread to confirm', async () => {
    const { thread, telemetry } = setUp();
    thread.say({ type: 'ready' });
    telemetry.trackEvent('last', {});
    await telemetry.flush();
    expect(thread.posted.map((m) => m.type)).toEqual(['items', 'flush']);
  });

  it('flush before the thread is ready waits for it, then sends everything', async () => {
    const { thread, telemetry } = setUp();
    telemetry.trackEvent('early', {});
    const flushed = telemetry.flush();
    await nextTurn();
    expect(thread.posted).toEqual([]);
    thread.say({ type: 'ready' });
    await flushed;
    expect(thread.items()).toHaveLength(1);
    expect(thread.posted.at(-1)).toMatchObject({ type: 'flush' });
  });

  it('flush gives up after its timeout when the thread never answers', async () => {
    const { thread, telemetry } = setUp({ flushTimeoutMs: 50 });
    thread.answersFlush = false;
    thread.say({ type: 'ready' });
    await telemetry.flush(); // resolves: a stuck thread never holds the app's termination
    expect(thread.posted.at(-1)).toMatchObject({ type: 'flush' });
  });
});

describe('a telemetry thread that cannot start', () => {
  it('turns telemetry off, says so once, and drops what was waiting', async () => {
    const { thread, telemetry, log } = setUp();
    telemetry.trackEvent('waiting', {});
    thread.say({ type: 'failed', reason: 'Error: cannot load applicationinsights' });
    thread.stop('exit code 1');
    telemetry.trackEvent('after', {});
    await telemetry.flush();
    expect(thread.posted).toEqual([]);
    expect(log.lines).toEqual([
      'warn Telemetry is off: the Application Insights thread stopped (Error: cannot load applicationinsights); 1 records not sent.',
    ]);
  });
});

describe('a telemetry thread that dies after it was sending', () => {
  it('is started again after a back-off, and what was recorded meanwhile is sent', async () => {
    const { thread, threads, telemetry, log } = setUp({ restartDelayMs: 5 });
    thread.say({ type: 'ready' });
    thread.stop('exit code 1');
    thread.stop('exit code 1'); // a dead thread's second word changes nothing
    telemetry.trackEvent('while-restarting', {});
    expect(threads).toHaveLength(1);
    await sleep(30);
    expect(threads).toHaveLength(2);
    const restarted = threads[1] as FakeThread;
    restarted.say({ type: 'ready' });
    expect(restarted.items().map((i) => (i.kind === 'event' ? i.name : i.kind))).toEqual([
      'TelemetryRestarted',
      'while-restarting',
    ]);
    expect(restarted.items()[0]).toMatchObject({ properties: { count: '1' } });
    expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([
      'warn Telemetry: the Application Insights thread stopped (exit code 1); restart 1 in 5 ms, records wait for it.',
    ]);
  });

  it('backs off longer at each restart, a restarted thread that fails to start included', async () => {
    const { thread, threads, log } = setUp({ restartDelayMs: 5 });
    thread.say({ type: 'ready' });
    thread.stop('exit code 1');
    await sleep(30);
    (threads[1] as FakeThread).say({ type: 'failed', reason: 'Error: out of memory' });
    await sleep(40);
    expect(threads).toHaveLength(3);
    expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([
      expect.stringContaining('(exit code 1); restart 1 in 5 ms'),
      expect.stringContaining('(Error: out of memory); restart 2 in 10 ms'),
    ]);
  });
});
