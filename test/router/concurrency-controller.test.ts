import { describe, expect, it } from 'vitest';
import { ConcurrencyController, normaliseBounds } from '../../src/router/concurrency-controller.js';

describe('ConcurrencyController', () => {
  it('keeps 1 ≤ min ≤ initial ≤ max, whole numbers', () => {
    expect(normaliseBounds({ initial: 3, max: 10 })).toEqual({ initial: 3, min: 1, max: 10 });
    expect(normaliseBounds({ initial: 50, min: 2, max: 10 })).toEqual({ initial: 10, min: 2, max: 10 });
    expect(normaliseBounds({ initial: 0, min: 0, max: 0 })).toEqual({ initial: 1, min: 1, max: 1 });
    expect(normaliseBounds({ initial: 2.7, max: 5.9 })).toEqual({ initial: 2, min: 1, max: 5 });
  });

  it('starts at the initial limit, unpaused', () => {
    const c = new ConcurrencyController({ policy: 'adaptive', initial: 3, max: 10, now: () => 0 });
    expect(c.limit).toBe(3);
    expect(c.pausedUntil).toBe(0);
    expect(c.changes).toEqual([]);
  });

  it('records every change as { time, reason, old, new } on the injected clock', () => {
    let now = Date.UTC(2026, 0, 3, 20, 52);
    const c = new ConcurrencyController({ policy: 'seed', initial: 5, max: 10, now: () => now });
    const change = c.record({ kind: 'rate_limited' });
    expect(change).toEqual({
      time: '2026-01-03T20:52:00.000Z',
      reason: 'rate_limit_error_429',
      old: 5,
      new: 2,
    });
    now += 1;
    expect(c.record({ kind: 'success', latencyMs: 10 })).toBeUndefined();
    expect(c.changes).toEqual([change]);
  });

  it('keeps only the latest changes, so a long run does not grow its record without bound', () => {
    let now = 0;
    const c = new ConcurrencyController({
      policy: 'seed',
      initial: 10,
      max: 10,
      keepChanges: 2,
      now: () => now,
    });
    for (let i = 0; i < 3; i++) {
      now += 1_000;
      c.record({ kind: 'rate_limited' });
    }
    expect(c.changes.map((x) => [x.old, x.new])).toEqual([
      [5, 2],
      [2, 1],
    ]);
  });

  it('returns nothing and records nothing when an outcome leaves the limit as it was', () => {
    const c = new ConcurrencyController({ policy: 'fixed', initial: 3, max: 10, now: () => 0 });
    expect(c.record({ kind: 'rate_limited', retryAfterMs: 1000 })).toBeUndefined();
    expect(c.tick()).toBeUndefined();
    expect(c.changes).toEqual([]);
  });

  it('gives the adaptive policy the minute a 429 names, as long as the clock runs it', () => {
    let now = 0;
    const c = new ConcurrencyController({
      policy: 'adaptive',
      initial: 3,
      max: 10,
      minuteMs: 6_000,
      now: () => now,
    });
    c.record({ kind: 'success', latencyMs: 100, inputTokens: 100, outputTokens: 10, startedAt: 0 });
    now = 500;
    c.record({
      kind: 'rate_limited',
      retryAfterMs: 5_700,
      quota: 'tokens',
      quotaPer: 'minute',
      startedAt: 490,
    });
    expect(c.learntQuota?.windowMs).toBeCloseTo(6_010);
  });
});
