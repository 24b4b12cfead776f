import { describe, expect, it } from 'vitest';
import { limitSampleOf } from '../../src/router/limit-sample-of.js';

describe('limitSampleOf', () => {
  it('hands the limit a success with its latency and start', () => {
    expect(
      limitSampleOf({ kind: 'success', latencyMs: 120, inputTokens: 5, startedAt: 7 }, undefined),
    ).toEqual({
      kind: 'success',
      latencyMs: 120,
      startedAt: 7,
    });
  });

  it('hands the limit a success’s size, the prompt estimate it started with', () => {
    expect(
      limitSampleOf({ kind: 'success', latencyMs: 300, estimate: 11_900, startedAt: 7 }, undefined),
    ).toEqual({ kind: 'success', latencyMs: 300, size: 11_900, startedAt: 7 });
  });

  it('keeps from the limit the 429s the pacer meters or reads as the window’s edge', () => {
    for (const reading of ['metered', 'edge'] as const)
      expect(limitSampleOf({ kind: 'rate_limited', retryAfterMs: 900, startedAt: 1 }, reading)).toEqual({
        kind: 'ignore',
        startedAt: 1,
      });
  });

  it('makes every other 429 a drop, long when the pacer read a window-sized wait', () => {
    expect(limitSampleOf({ kind: 'rate_limited', startedAt: 1 }, 'window')).toEqual({
      kind: 'drop',
      long: true,
      startedAt: 1,
    });
    expect(limitSampleOf({ kind: 'rate_limited', startedAt: 1 }, 'momentary')).toMatchObject({ long: false });
  });

  it('makes 5xx and timeouts overloads, and failures or cancelled calls nothing to learn from', () => {
    expect(limitSampleOf({ kind: 'overloaded' }, undefined)).toMatchObject({
      kind: 'overload',
      reason: 'overloaded',
    });
    expect(limitSampleOf({ kind: 'timeout' }, undefined)).toMatchObject({
      kind: 'overload',
      reason: 'timeout',
    });
    expect(limitSampleOf({ kind: 'failure' }, undefined).kind).toBe('ignore');
    expect(limitSampleOf({ kind: 'cancelled' }, undefined).kind).toBe('ignore');
  });
});
