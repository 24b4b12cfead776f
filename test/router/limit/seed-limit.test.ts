import { describe, expect, it } from 'vitest';
import type { LimitSample } from '../../../src/router/limit/limit.js';
import { normaliseBounds } from '../../../src/router/limit/limit.js';
import { SEED_RECOVERY_MS, SeedLimit } from '../../../src/router/limit/seed-limit.js';

const MINUTE = 60_000;
const drop: LimitSample = { kind: 'drop', long: false };

function seed(initial: number, max = 10) {
  const clock = { now: 0 };
  const limit = new SeedLimit(normaliseBounds({ initial, max }), 0);
  const sample = (s: LimitSample) => limit.sample(s, clock.now);
  return { limit, clock, sample };
}

describe('SeedLimit (the origin document)', () => {
  it('halves the limit on a 429', () => {
    const { limit, sample } = seed(10);
    expect(sample(drop)).toBe('rate_limit_error_429');
    expect(limit.limit).toBe(5);
    sample(drop);
    expect(limit.limit).toBe(2);
    sample(drop);
    expect(limit.limit).toBe(1);
    expect(sample(drop)).toBeUndefined();
    expect(limit.limit).toBe(1);
  });

  it('halves on every 429, even a burst of them from one moment', () => {
    const { limit, sample } = seed(8);
    for (let i = 0; i < 3; i++) sample({ ...drop, startedAt: 0 });
    expect(limit.limit).toBe(1);
  });

  it('grows by 20 % (at least one) after 5 minutes without a 429', () => {
    const { limit, clock } = seed(3);
    clock.now = SEED_RECOVERY_MS - 1;
    expect(limit.tick(clock.now)).toBeUndefined();
    clock.now = SEED_RECOVERY_MS;
    expect(limit.tick(clock.now)).toBe('recovery_after_5min');
    expect(limit.limit).toBe(4);
    const limits: number[] = [];
    for (let k = 2; k <= 7; k++) {
      clock.now = k * SEED_RECOVERY_MS;
      limit.tick(clock.now);
      limits.push(limit.limit);
    }
    expect(limits).toEqual([5, 6, 7, 8, 10, 10]);
  });

  it('restarts the 5 quiet minutes at every 429', () => {
    const { limit, clock, sample } = seed(6);
    clock.now = 4 * MINUTE;
    sample(drop);
    expect(limit.limit).toBe(3);
    clock.now = 8 * MINUTE;
    limit.tick(clock.now);
    expect(limit.limit).toBe(3);
    expect(limit.nextTickAt()).toBe(9 * MINUTE);
    clock.now = 9 * MINUTE;
    limit.tick(clock.now);
    expect(limit.limit).toBe(4);
  });

  it('grows on the next sample too, not only on tick', () => {
    const { limit, clock, sample } = seed(3);
    clock.now = SEED_RECOVERY_MS + 1;
    expect(sample({ kind: 'success', latencyMs: 100 })).toBe('recovery_after_5min');
    expect(limit.limit).toBe(4);
  });

  it('catches up on several quiet periods at once', () => {
    const { limit, clock } = seed(3);
    clock.now = 3 * SEED_RECOVERY_MS;
    limit.tick(clock.now);
    expect(limit.limit).toBe(6);
  });

  it('ignores 5xx, timeouts and latency', () => {
    const { limit, sample } = seed(5);
    sample({ kind: 'overload', reason: 'overloaded' });
    sample({ kind: 'overload', reason: 'timeout' });
    sample({ kind: 'success', latencyMs: 60_000 });
    sample({ kind: 'drop', long: true });
    expect(limit.limit).toBe(2);
  });

  it('stops asking for ticks once at the maximum', () => {
    const { limit, clock, sample } = seed(10);
    expect(limit.nextTickAt()).toBeUndefined();
    sample(drop);
    expect(limit.nextTickAt()).toBe(clock.now + SEED_RECOVERY_MS);
  });
});
