import { describe, expect, it } from 'vitest';
import { ConcurrencyController } from '../../../src/router/concurrency-controller.js';
import type { CallOutcome } from '../../../src/router/policies/concurrency-policy.js';

describe('fixed policy', () => {
  it('never changes the limit, whatever the outcomes', () => {
    let now = 0;
    const c = new ConcurrencyController({ policy: 'fixed', initial: 4, max: 10, now: () => now });
    const outcomes: CallOutcome[] = [
      { kind: 'rate_limited', retryAfterMs: 5_000 },
      { kind: 'overloaded' },
      { kind: 'timeout' },
      { kind: 'failure' },
      ...Array.from({ length: 50 }, () => ({ kind: 'success' as const, latencyMs: 100 })),
    ];
    for (const o of outcomes) {
      now += 1_000;
      c.record(o);
      c.tick();
      expect(c.limit).toBe(4);
    }
    expect(c.pausedUntil).toBe(0);
    expect(c.nextTickAt).toBeUndefined();
  });

  it('with initial 1 is the rollback switch: one call at a time', () => {
    const c = new ConcurrencyController({ policy: 'fixed', initial: 1, max: 10, now: () => 0 });
    for (let i = 0; i < 20; i++) c.record({ kind: 'success', latencyMs: 50 });
    expect(c.limit).toBe(1);
  });
});
