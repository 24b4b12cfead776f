import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ConcurrencyController } from '../../src/router/concurrency-controller.js';
import { ConcurrencyLimit } from '../../src/router/concurrency-limit.js';
import { SEED_RECOVERY_MS } from '../../src/router/policies/seed-policy.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('ConcurrencyLimit', () => {
  it('emits the current limit to a new subscriber at once', () => {
    scheduler().run(({ expectObservable }) => {
      const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 3, max: 10 });
      expectObservable(limit.limit$).toBe('a', { a: 3 });
      expect(limit.current).toBe(3);
    });
  });

  it('emits 0 while a retry hint pauses dispatch and resumes by itself when it ends', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
      cold('--x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 5, startedAt: 0 }));
      cold('--------|').subscribe({ complete: () => limit.close() });
      // At frame 2: limit 4 → ⌊4·0.7⌋ = 2, paused for 5 ms (a short hint: no ramp).
      expectObservable(limit.limit$).toBe('a-b----c|', { a: 4, b: 0, c: 2 });
    });
  });

  it('extends the pause when a later hint asks for longer', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
      // Both calls started at 0; the second 429 is old news for the limit but its hint still counts.
      cold('-x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 3, startedAt: 0 }));
      cold('--x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 6, startedAt: 0 }));
      cold('----------|').subscribe({ complete: () => limit.close() });
      expectObservable(limit.limit$).toBe('ab------c-|', { a: 4, b: 0, c: 2 });
    });
  });

  it('applies a time-based change without any call (seed recovers after 5 quiet minutes)', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ConcurrencyLimit.create({ policy: 'seed', initial: 4, max: 5 }, ts);
      cold(`${SEED_RECOVERY_MS + 1}ms |`).subscribe({ complete: () => limit.close() });
      expectObservable(limit.limit$).toBe(`a ${SEED_RECOVERY_MS - 1}ms b |`, { a: 4, b: 5 });
    });
  });

  it('keeps the controller’s change log', () => {
    scheduler().run(() => {
      const controller = new ConcurrencyController({ policy: 'seed', initial: 8, max: 10, now: () => 0 });
      const limit = new ConcurrencyLimit(controller);
      limit.record({ kind: 'rate_limited' });
      expect(limit.changes).toEqual([
        { time: new Date(0).toISOString(), reason: 'rate_limit_error_429', old: 8, new: 4 },
      ]);
      expect(limit.current).toBe(4);
      limit.close();
    });
  });

  it('stops emitting, and cancels its timers, when closed', () => {
    const ts = scheduler();
    ts.run(({ expectObservable, cold }) => {
      const limit = ConcurrencyLimit.create({ policy: 'adaptive', initial: 4, max: 10 }, ts);
      cold('x').subscribe(() => limit.record({ kind: 'rate_limited', retryAfterMs: 10, startedAt: 0 }));
      cold('--x').subscribe(() => limit.close());
      cold('----x').subscribe(() => limit.record({ kind: 'success', latencyMs: 5 }));
      expectObservable(limit.limit$).toBe('b-|', { b: 0 });
    });
  });
});
