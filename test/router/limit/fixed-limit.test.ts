import { describe, expect, it } from 'vitest';
import { FixedLimit } from '../../../src/router/limit/fixed-limit.js';
import type { Limit, LimitSample } from '../../../src/router/limit/limit.js';

describe('FixedLimit', () => {
  it('never changes the limit, whatever the samples', () => {
    const limit: Limit = new FixedLimit({ initial: 4, min: 1, max: 10 });
    const samples: LimitSample[] = [
      { kind: 'drop', long: true },
      { kind: 'drop', long: false },
      { kind: 'overload', reason: 'overloaded' },
      { kind: 'overload', reason: 'timeout' },
      { kind: 'ignore' },
      ...Array.from({ length: 50 }, () => ({ kind: 'success' as const, latencyMs: 100 })),
    ];
    let now = 0;
    for (const s of samples) {
      now += 1_000;
      expect(limit.sample(s, now)).toBeUndefined();
      expect(limit.limit).toBe(4);
    }
    expect(limit.tick).toBeUndefined();
  });

  it('with initial 1 is the rollback switch: one call at a time', () => {
    const limit: Limit = new FixedLimit({ initial: 1, min: 1, max: 10 });
    for (let i = 0; i < 20; i++) limit.sample({ kind: 'success', latencyMs: 50 }, i);
    expect(limit.limit).toBe(1);
  });
});
