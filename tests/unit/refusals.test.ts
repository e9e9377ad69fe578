/**
 * Refused callers cost one log line per distinct reason and one telemetry record per minute,
 * however many requests anonymous traffic sends.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeGetProfile } from '../../functions/GetProfile';
import { MAX_REASONS, REFUSAL_WINDOW_MS, RefusalLog } from '../../shared/http/refusals';
import { invoke, recordingTelemetry, testDeps } from '../support/invoke';

afterEach(() => {
  vi.useRealTimers();
});

const API_KEY = { API_AUTH: 'apikey', API_KEY: 'key-one-0123456789' };

describe('refused callers', () => {
  it('are logged once per distinct reason and sent as one CallerRefused record a minute', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const summary: string[] = [];
    const deps = testDeps({ env: API_KEY });
    const handler = makeGetProfile(deps);
    const answers = [];
    for (let i = 0; i < 30; i++) {
      const headers: Record<string, string> =
        i % 3 === 0 ? { 'x-api-key': 'wrong-0123456789' } : {};
      answers.push(await invoke(handler, { json: { objectId: 'x' }, headers }));
    }
    expect(answers.every((a) => a.status === 401)).toBe(true);
    const lines = answers.flatMap((a) => a.logs).filter((l) => l.message.includes('refused'));
    expect(lines.map((l) => l.message.replace(/^.*caller refused: /, ''))).toEqual([
      'apikey: wrong key in x-api-key',
      'apikey: no x-api-key header',
    ]);
    expect(deps.telemetry.events.filter((e) => e.name === 'CallerRefused')).toEqual([]);

    vi.spyOn(console, 'warn').mockImplementation((text: string) => summary.push(text));
    await vi.advanceTimersByTimeAsync(REFUSAL_WINDOW_MS);
    const events = deps.telemetry.events.filter((e) => e.name === 'CallerRefused');
    expect(events).toEqual([
      {
        name: 'CallerRefused',
        properties: {
          count: '30',
          windowSeconds: '60',
          reasons: 'apikey: wrong key in x-api-key (10); apikey: no x-api-key header (20)',
        },
      },
    ]);
    expect(summary).toEqual([expect.stringContaining('callers refused 30 times in 60 s')]);
    expect(summary.join('\n')).not.toContain('wrong-0123456789');

    // The next minute starts afresh: its first refusal is logged again.
    const next = await invoke(handler, { json: { objectId: 'x' } });
    expect(next.logs.some((l) => l.message.includes('caller refused'))).toBe(true);
  });

  it('keep at most MAX_REASONS distinct reasons a window, counting the rest', () => {
    const telemetry = recordingTelemetry();
    const lines: string[] = [];
    const log = new RefusalLog(telemetry, { log: (text) => lines.push(text) });
    const warned: string[] = [];
    for (let i = 0; i < MAX_REASONS + 5; i++) {
      log.refused(`certificate: thumbprint ${i} is not in CLIENT_CERT_THUMBPRINTS`, (t) =>
        warned.push(t),
      );
    }
    log.close();
    expect(warned).toHaveLength(MAX_REASONS);
    expect(telemetry.events[0]?.properties).toMatchObject({ count: String(MAX_REASONS + 5) });
    expect(telemetry.events[0]?.properties.reasons).toContain('other reasons (5)');
    expect(lines).toHaveLength(1);
  });

  it('send nothing in a minute without refusals', () => {
    const telemetry = recordingTelemetry();
    new RefusalLog(telemetry, { log: () => undefined }).close();
    expect(telemetry.events).toEqual([]);
  });
});
