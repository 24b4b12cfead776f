import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { BreakerRecord } from '../../src/router/router-metrics.js';
import { giveUpWatch, outageSince } from '../../src/run/give-up-watch.js';

const UNREACHABLE = 'gemini is unreachable at 127.0.0.1:1: fetch failed';

function change(atMs: number, provider: string, to: string, reason: string, error?: string): BreakerRecord {
  return {
    time: new Date(atMs).toISOString(),
    provider: provider as BreakerRecord['provider'],
    from: '',
    to,
    reason,
    ...(error !== undefined && { error }),
  };
}

const geminiDown = (atMs: number) => change(atMs, 'gemini', 'open', '5 failures in a row', UNREACHABLE);
const openaiDown = (atMs: number) => change(atMs, 'openai', 'open', '5 failures in a row', 'openai 503');

describe('outageSince', () => {
  it('is when the last of the configured providers stopped serving', () => {
    expect(outageSince([geminiDown(1_000), openaiDown(4_000)], ['gemini', 'openai'])).toBe(4_000);
  });

  it('is none while a configured provider still serves, or was never asked', () => {
    expect(outageSince([geminiDown(1_000)], ['gemini', 'openai'])).toBeUndefined();
    const back = [
      geminiDown(1_000),
      change(6_000, 'gemini', 'half_open', 'cool-down over'),
      change(6_200, 'gemini', 'closed', 'probe succeeded'),
    ];
    expect(outageSince(back, ['gemini'])).toBeUndefined();
    expect(outageSince([], [])).toBeUndefined();
  });

  it('counts a spent daily quota as not serving, and a retry hint’s wait as serving', () => {
    expect(outageSince([change(2_000, 'gemini', 'open', 'quota exhausted')], ['gemini'])).toBe(2_000);
    const hint = change(
      2_000,
      'gemini',
      'open',
      'retry hint 59000 ms',
      'gemini 429: You exceeded your quota',
    );
    expect(outageSince([hint], ['gemini'])).toBeUndefined();
  });

  it('counts from the first opening of the spell, through failed probes', () => {
    const spell = [
      geminiDown(1_000),
      change(6_000, 'gemini', 'half_open', 'cool-down over'),
      change(6_010, 'gemini', 'open', 'probe failed', UNREACHABLE),
    ];
    expect(outageSince(spell, ['gemini'])).toBe(1_000);
  });
});

describe('giveUpWatch', () => {
  function watch(transitions: BreakerRecord[], providers: string[], afterMs: number) {
    const scheduler = new VirtualTimeScheduler();
    const reasons: { atMs: number; reason: string }[] = [];
    const sub = giveUpWatch({
      transitions: () => transitions,
      providers,
      afterMs,
      everyMs: 1_000,
      scheduler,
      onGiveUp: (reason) => reasons.push({ atMs: scheduler.now(), reason }),
    });
    return { scheduler, reasons, sub };
  }

  it('gives up once, afterMs into an outage of every provider, naming each failure', () => {
    const transitions: BreakerRecord[] = [];
    const { scheduler, reasons } = watch(transitions, ['gemini', 'openai'], 10_000);
    scheduler.schedule(() => transitions.push(geminiDown(scheduler.now())), 3_000);
    scheduler.schedule(() => transitions.push(openaiDown(scheduler.now())), 5_500);
    scheduler.maxFrames = 60_000;
    scheduler.flush();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.atMs).toBe(16_000);
    expect(reasons[0]?.reason).toBe(
      'no provider has served for 10s: ' +
        `gemini not serving since 1970-01-01T00:00:03.000Z: 5 failures in a row, the last: ${UNREACHABLE}; ` +
        'openai not serving since 1970-01-01T00:00:05.500Z: 5 failures in a row, the last: openai 503',
    );
  });

  it('keeps waiting while one provider serves', () => {
    const { scheduler, reasons, sub } = watch([geminiDown(0)], ['gemini', 'openai'], 10_000);
    scheduler.maxFrames = 60_000;
    scheduler.schedule(() => sub.unsubscribe(), 59_000);
    scheduler.flush();
    expect(reasons).toEqual([]);
  });

  it('stops looking once unsubscribed', () => {
    const { scheduler, reasons, sub } = watch([geminiDown(0)], ['gemini'], 10_000);
    scheduler.schedule(() => sub.unsubscribe(), 5_000);
    scheduler.maxFrames = 60_000;
    scheduler.flush();
    expect(reasons).toEqual([]);
  });
});
