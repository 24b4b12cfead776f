import { describe, expect, it } from 'vitest';
import { ConcurrencyController } from '../../../src/router/concurrency-controller.js';
import { SEED_RECOVERY_MS } from '../../../src/router/policies/seed-policy.js';

const MINUTE = 60_000;

function seed(initial: number, max = 10) {
  const clock = { now: 0 };
  const c = new ConcurrencyController({ policy: 'seed', initial, max, now: () => clock.now });
  return { c, clock };
}

describe('seed policy (the origin document)', () => {
  it('halves the limit on a 429', () => {
    const { c } = seed(10);
    c.record({ kind: 'rate_limited', retryAfterMs: 1_000 });
    expect(c.limit).toBe(5);
    c.record({ kind: 'rate_limited' });
    expect(c.limit).toBe(2);
    c.record({ kind: 'rate_limited' });
    expect(c.limit).toBe(1);
    c.record({ kind: 'rate_limited' });
    expect(c.limit).toBe(1);
  });

  it('halves on every 429, even a burst of them from one moment', () => {
    const { c } = seed(8);
    for (let i = 0; i < 3; i++) c.record({ kind: 'rate_limited', startedAt: 0 });
    expect(c.limit).toBe(1);
  });

  it('grows by 20 % (at least one) after 5 minutes without a 429', () => {
    const { c, clock } = seed(3);
    clock.now = SEED_RECOVERY_MS - 1;
    expect(c.tick()).toBeUndefined();
    clock.now = SEED_RECOVERY_MS;
    expect(c.tick()).toMatchObject({ reason: 'recovery_after_5min', old: 3, new: 4 });
    const limits: number[] = [];
    for (let k = 2; k <= 7; k++) {
      clock.now = k * SEED_RECOVERY_MS;
      c.tick();
      limits.push(c.limit);
    }
    expect(limits).toEqual([5, 6, 7, 8, 10, 10]);
  });

  it('restarts the 5 quiet minutes at every 429', () => {
    const { c, clock } = seed(6);
    clock.now = 4 * MINUTE;
    c.record({ kind: 'rate_limited' });
    expect(c.limit).toBe(3);
    clock.now = 8 * MINUTE;
    c.tick();
    expect(c.limit).toBe(3);
    expect(c.nextTickAt).toBe(9 * MINUTE);
    clock.now = 9 * MINUTE;
    c.tick();
    expect(c.limit).toBe(4);
  });

  it('grows on the next outcome too, not only on tick', () => {
    const { c, clock } = seed(3);
    clock.now = SEED_RECOVERY_MS + 1;
    expect(c.record({ kind: 'success', latencyMs: 100 })).toMatchObject({ old: 3, new: 4 });
  });

  it('catches up on several quiet periods at once', () => {
    const { c, clock } = seed(3);
    clock.now = 3 * SEED_RECOVERY_MS;
    c.tick();
    expect(c.limit).toBe(6);
  });

  it('ignores 5xx, timeouts and latency, and never pauses', () => {
    const { c } = seed(5);
    c.record({ kind: 'overloaded' });
    c.record({ kind: 'timeout' });
    c.record({ kind: 'success', latencyMs: 60_000 });
    c.record({ kind: 'rate_limited', retryAfterMs: 30_000 });
    expect(c.limit).toBe(2);
    expect(c.pausedUntil).toBe(0);
  });

  it('stops asking for ticks once at the maximum', () => {
    const { c, clock } = seed(10);
    expect(c.nextTickAt).toBeUndefined();
    c.record({ kind: 'rate_limited' });
    expect(c.nextTickAt).toBe(clock.now + SEED_RECOVERY_MS);
  });
});
