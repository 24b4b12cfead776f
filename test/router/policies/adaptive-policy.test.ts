import { describe, expect, it } from 'vitest';
import { ConcurrencyController, type CallOutcome } from '../../../src/router/concurrency-controller.js';

function adaptive(opts: { initial?: number; min?: number; max?: number } = {}) {
  const clock = { now: 0 };
  const c = new ConcurrencyController({
    policy: 'adaptive',
    initial: opts.initial ?? 3,
    min: opts.min,
    max: opts.max ?? 10,
    now: () => clock.now,
  });
  const succeed = (n: number, latencyMs = 1_000) => {
    for (let i = 0; i < n; i++) {
      const startedAt = clock.now;
      clock.now += 10;
      c.record({ kind: 'success', latencyMs, startedAt });
    }
  };
  return { c, clock, succeed };
}

/**
 * A provider that answers 429 when more than `cap` calls are in flight. Each round dispatches
 * `limit` calls at once; returns the limit of every round.
 */
function againstConcurrencyCap(
  c: ConcurrencyController,
  clock: { now: number },
  cap: number,
  rounds: number,
) {
  const limits: number[] = [];
  let refusals = 0;
  for (let r = 0; r < rounds; r++) {
    const level = c.limit;
    limits.push(level);
    const startedAt = clock.now;
    clock.now += 1_000;
    const outcomes: CallOutcome[] = Array.from({ length: level }, (_, i) =>
      i < cap
        ? { kind: 'success', latencyMs: 1_000, startedAt }
        : { kind: 'rate_limited', retryAfterMs: 200, startedAt },
    );
    refusals += outcomes.filter((o) => o.kind === 'rate_limited').length;
    for (const o of outcomes) c.record(o);
    clock.now = Math.max(clock.now, c.pausedUntil);
  }
  return { limits, refusals };
}

describe('adaptive policy', () => {
  it('grows by one per success until the first sign of trouble (slow start: ×2 per round trip)', () => {
    const { c, succeed } = adaptive();
    succeed(3);
    expect(c.limit).toBe(6);
    succeed(6);
    expect(c.limit).toBe(10);
    expect(c.changes.every((ch) => ch.reason === 'slow_start')).toBe(true);
  });

  it('never exceeds max, never falls below min', () => {
    const { c, clock, succeed } = adaptive({ initial: 4, min: 2, max: 6 });
    succeed(100);
    expect(c.limit).toBe(6);
    for (let i = 0; i < 20; i++) {
      clock.now += 5_000;
      c.record({ kind: 'overloaded', startedAt: clock.now });
      c.record({ kind: 'rate_limited', retryAfterMs: 100, startedAt: clock.now });
    }
    expect(c.limit).toBe(2);
  });

  it('backs off multiplicatively on a 429 and pauses for the retry hint', () => {
    const { c, clock, succeed } = adaptive();
    succeed(7);
    expect(c.limit).toBe(10);
    const change = c.record({ kind: 'rate_limited', retryAfterMs: 500, startedAt: clock.now });
    expect(change).toMatchObject({ reason: 'rate_limit_error_429', old: 10, new: 7 });
    expect(c.pausedUntil).toBe(clock.now + 500);
  });

  it('reacts once to a burst of 429s from calls sent before its decrease', () => {
    const { c, clock, succeed } = adaptive();
    succeed(7);
    const sentAt = clock.now;
    clock.now += 50;
    for (let i = 0; i < 10; i++) c.record({ kind: 'rate_limited', retryAfterMs: 500, startedAt: sentAt });
    expect(c.limit).toBe(7);
    expect(c.changes.filter((ch) => ch.reason === 'rate_limit_error_429')).toHaveLength(1);
  });

  it('without start times, treats 429s arriving during the pause as the same burst', () => {
    const { c, clock, succeed } = adaptive();
    succeed(7);
    c.record({ kind: 'rate_limited', retryAfterMs: 500 });
    clock.now += 100;
    c.record({ kind: 'rate_limited', retryAfterMs: 800 });
    expect(c.limit).toBe(7);
    expect(c.pausedUntil).toBe(clock.now + 800);
  });

  it('after a long pause restarts at two calls (the refused one and one new) and ramps back', () => {
    const { c, clock, succeed } = adaptive();
    succeed(7);
    c.record({ kind: 'rate_limited', retryAfterMs: 40_000, startedAt: clock.now });
    expect(c.limit).toBe(2);
    expect(c.pausedUntil).toBe(clock.now + 40_000);
    clock.now = c.pausedUntil;
    const limits: number[] = [];
    for (let i = 0; i < 5; i++) {
      succeed(1);
      limits.push(c.limit);
    }
    expect(limits).toEqual([3, 4, 5, 6, 7]);
  });

  it('counts every call refused in the burst into the ramp, since each keeps its slot to retry', () => {
    const { c, clock, succeed } = adaptive();
    succeed(7);
    const sentAt = clock.now;
    clock.now += 10;
    c.record({ kind: 'rate_limited', retryAfterMs: 40_000, startedAt: sentAt });
    c.record({ kind: 'rate_limited', retryAfterMs: 40_000, startedAt: sentAt });
    c.record({ kind: 'rate_limited', retryAfterMs: 40_000, startedAt: sentAt });
    expect(c.limit).toBe(4);
    expect(c.changes.at(-1)).toMatchObject({ reason: 'ramp_holds_retry', old: 3, new: 4 });
  });

  it('learns the window quota from a long 429 and holds freed slots until the window has room', () => {
    const { c, clock } = adaptive();
    // Ten calls admitted at 0, 100, …, 900 ms; the eleventh is refused with "the oldest leaves in 9 s".
    for (let s = 0; s < 1_000; s += 100) {
      clock.now = s + 50;
      c.record({ kind: 'success', latencyMs: 50, startedAt: s });
    }
    clock.now = 1_000;
    c.record({ kind: 'rate_limited', retryAfterMs: 9_000, startedAt: 1_000 });
    expect(c.pausedUntil).toBe(10_000);
    // After the pause: window 10 s, quota 10. The call at 10 000 brings the window (50, 10 050] to
    // 10 admitted (100 … 900 and 10 000); with the ramp at 3, two more count as in flight, so the
    // freed slot waits until three of them have left: 100, 200 and 300, at 10 300.
    clock.now = 10_050;
    c.record({ kind: 'success', latencyMs: 50, startedAt: 10_000 });
    expect(c.limit).toBe(3);
    expect(c.pausedUntil).toBe(10_300);
  });

  it('caps a pause at a minute however long the hint', () => {
    const { c, clock } = adaptive();
    c.record({ kind: 'rate_limited', retryAfterMs: 3_600_000, startedAt: clock.now });
    expect(c.pausedUntil).toBe(clock.now + 60_000);
  });

  it('finds a concurrency cap quickly and then holds at it, probing above only rarely', () => {
    const { c, clock } = adaptive({ initial: 3, max: 20 });
    const { limits, refusals } = againstConcurrencyCap(c, clock, 6, 400);
    const firstAtCap = limits.indexOf(6);
    expect(firstAtCap).toBeGreaterThan(-1);
    expect(firstAtCap).toBeLessThan(10);
    const settled = limits.slice(20);
    const atCap = settled.filter((l) => l === 6).length / settled.length;
    const above = settled.filter((l) => l > 6).length;
    console.log(
      `adaptive vs a cap of 6: at the cap ${(atCap * 100).toFixed(0)}% of rounds, above it ${above} of ${settled.length}, ${refusals} refusals in ${limits.reduce((a, b) => a + b, 0)} calls`,
    );
    expect(atCap).toBeGreaterThan(0.9);
    expect(above / settled.length).toBeLessThan(0.02);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(4);
  });

  it('probes its remembered ceiling less often after each failed probe', () => {
    const { c, clock } = adaptive({ initial: 3, max: 20 });
    const { limits } = againstConcurrencyCap(c, clock, 6, 600);
    const probes = limits.flatMap((l, i) => (l > 6 && i > 5 ? [i] : []));
    const gaps = probes.slice(1).map((p, i) => p - (probes[i] ?? 0));
    expect(probes.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual((gaps[i - 1] ?? 0) - 1);
    expect(gaps.at(-1)).toBeGreaterThan(2 * (gaps[0] ?? 0));
  });

  it('lifts its ceiling when a probe holds: the quota has grown', () => {
    const { c, clock } = adaptive({ initial: 3, max: 20 });
    againstConcurrencyCap(c, clock, 6, 30);
    const { limits } = againstConcurrencyCap(c, clock, 12, 300);
    expect(limits.at(-1)).toBeGreaterThanOrEqual(11);
    expect(c.changes.some((ch) => ch.reason === 'ceiling_lifted')).toBe(true);
  });

  it('steps down gently on a 5xx or a timeout, without pausing', () => {
    const { c, clock, succeed } = adaptive();
    succeed(7);
    expect(c.record({ kind: 'overloaded', startedAt: clock.now })).toMatchObject({
      reason: 'overloaded',
      new: 9,
    });
    clock.now += 2_000;
    expect(c.record({ kind: 'timeout', startedAt: clock.now })).toMatchObject({ reason: 'timeout', new: 8 });
    expect(c.pausedUntil).toBe(0);
  });

  it('ignores failures that say nothing about capacity', () => {
    const { c } = adaptive();
    c.record({ kind: 'failure' });
    expect(c.limit).toBe(3);
    expect(c.changes).toEqual([]);
  });

  it('stops growing while latency climbs', () => {
    const { c, succeed } = adaptive({ initial: 3, max: 50 });
    succeed(20, 1_000);
    const before = c.limit;
    succeed(6, 2_500);
    // In slow start six successes would have added six.
    expect(c.limit - before).toBeLessThanOrEqual(2);
    expect(c.changes.some((ch) => ch.reason === 'latency_gradient')).toBe(false);
  });

  it('steps down when latency soars (queueing at the provider)', () => {
    const { c, succeed } = adaptive({ initial: 3, max: 50 });
    succeed(20, 1_000);
    const before = c.limit;
    succeed(1, 10_000);
    expect(c.changes.at(-1)).toMatchObject({
      reason: 'latency_gradient',
      old: before,
      new: Math.floor(before * 0.9),
    });
  });
});
