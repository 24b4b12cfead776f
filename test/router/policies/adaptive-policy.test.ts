import { describe, expect, it } from 'vitest';
import { ConcurrencyController, normaliseBounds } from '../../../src/router/concurrency-controller.js';
import { ADAPTIVE_TUNING, AdaptivePolicy } from '../../../src/router/policies/adaptive-policy.js';
import type { CallOutcome } from '../../../src/router/policies/concurrency-policy.js';

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

/** The policy without pacing: what it does with a window quota it does not meter itself. */
function unpaced() {
  const clock = { now: 0 };
  const p = new AdaptivePolicy(normaliseBounds({ initial: 3, max: 10 }), 0, {
    ...ADAPTIVE_TUNING,
    pacing: false,
  });
  const succeed = (n: number) => {
    for (let i = 0; i < n; i++) {
      const startedAt = clock.now;
      clock.now += 10;
      p.record({ kind: 'success', latencyMs: 1_000, startedAt }, clock.now);
    }
  };
  return { p, clock, succeed };
}

/** Calls of `tokens` started through the gate at `at` and answered 50 ms later. */
function admitCalls(c: ConcurrencyController, clock: { now: number }, starts: number[], tokens = 100) {
  for (const s of starts) {
    clock.now = s;
    c.started(tokens);
    clock.now = s + 50;
    c.record({ kind: 'success', latencyMs: 50, inputTokens: tokens, outputTokens: 0, startedAt: s });
  }
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

  it('without pacing, restarts at two calls after a long pause (the refused one and one new) and ramps back', () => {
    const { p, clock, succeed } = unpaced();
    succeed(7);
    p.record({ kind: 'rate_limited', retryAfterMs: 40_000, startedAt: clock.now }, clock.now);
    expect(p.limit).toBe(2);
    expect(p.pausedUntil).toBe(clock.now + 40_000);
    clock.now = p.pausedUntil;
    const limits: number[] = [];
    for (let i = 0; i < 5; i++) {
      succeed(1);
      limits.push(p.limit);
    }
    expect(limits).toEqual([3, 4, 5, 6, 7]);
  });

  it('without pacing, counts every call refused in the burst into the ramp, since each keeps its slot to retry', () => {
    const { p, clock, succeed } = unpaced();
    succeed(7);
    const sentAt = clock.now;
    clock.now += 10;
    for (let i = 0; i < 3; i++)
      p.record({ kind: 'rate_limited', retryAfterMs: 40_000, startedAt: sentAt }, clock.now);
    expect(p.limit).toBe(4);
  });

  it('keeps its limit on a window-sized 429 it can pace: a per-minute quota is a rate, not a concurrency', () => {
    const { c, clock } = adaptive();
    admitCalls(c, clock, [0, 100, 200, 300, 400, 500]);
    expect(c.limit).toBe(9);
    clock.now = 600;
    c.started(100);
    c.record({ kind: 'rate_limited', retryAfterMs: 9_400, quota: 'requests', startedAt: 600 });
    expect(c.limit).toBe(9);
    expect(c.pausedUntil).toBe(10_000);
    expect(c.learntQuota).toEqual({ windowMs: 10_000 });
  });

  it('learns the window and the request quota from a long 429 and starts each call only when the window has room', () => {
    const { c, clock } = adaptive();
    // Ten calls admitted at 0, 100, …, 900 ms; the eleventh is refused with "the oldest leaves in 9 s".
    admitCalls(c, clock, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    clock.now = 1_000;
    c.started(100);
    c.record({ kind: 'rate_limited', retryAfterMs: 9_000, quota: 'requests', startedAt: 1_000 });
    expect(c.pausedUntil).toBe(10_000);
    expect(c.openAt(100)).toBe(10_000);
    // After the pause: window 10 s, quota 10. The call at 0 has left: one call may start now,
    // the next when the call at 100 leaves.
    clock.now = 10_000;
    expect(c.openAt(100)).toBe(10_000);
    expect(c.learntQuota).toEqual({ windowMs: 10_000, requests: 10 });
    c.started(100);
    expect(c.openAt(100)).toBe(10_100);
  });

  it('paces by tokens when the 429 names the token quota, sizing each call by its prompt', () => {
    const { c, clock } = adaptive();
    admitCalls(c, clock, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900], 400);
    clock.now = 1_000;
    c.started(400);
    c.record({ kind: 'rate_limited', retryAfterMs: 9_000, quota: 'tokens', startedAt: 1_000 });
    clock.now = 10_000;
    expect(c.openAt(400)).toBe(10_000);
    expect(c.learntQuota).toEqual({ windowMs: 10_000, tokens: 4_000 });
    // 3 600 tokens are still in the window: a large prompt waits for more of them to leave.
    expect(c.openAt(1_200)).toBe(10_200);
  });

  it('takes a call let go at the window’s edge and refused for a moment as news about the window alone', () => {
    const { c, clock } = adaptive();
    admitCalls(c, clock, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    clock.now = 1_000;
    c.started(100);
    c.record({ kind: 'rate_limited', retryAfterMs: 9_000, quota: 'requests', startedAt: 1_000 });
    clock.now = 10_000;
    c.started(100);
    expect(c.openAt(100)).toBe(10_100);
    clock.now = 10_100;
    c.started(100);
    const limit = c.limit;
    clock.now = 10_105;
    c.record({ kind: 'rate_limited', retryAfterMs: 30, quota: 'requests', startedAt: 10_100 });
    expect(c.limit).toBe(limit);
    expect(c.pausedUntil).toBe(10_000);
    expect(c.learntQuota?.requests).toBe(10);
    expect(c.learntQuota?.windowMs).toBeCloseTo(10_000 + 10_000 / 240);
  });

  it('frees the place of a call that ended without a verdict', () => {
    const { c, clock } = adaptive();
    admitCalls(c, clock, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    clock.now = 1_000;
    c.started(100);
    c.record({ kind: 'rate_limited', retryAfterMs: 9_000, quota: 'requests', startedAt: 1_000 });
    clock.now = 10_000;
    c.started(100);
    expect(c.openAt(100)).toBe(10_100);
    c.record({ kind: 'cancelled', startedAt: 10_000 });
    expect(c.openAt(100)).toBe(10_000);
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
