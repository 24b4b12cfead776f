import { describe, expect, it } from 'vitest';
import { FixedWindowQuota } from '../../src/sim/fixed-window-quota.js';

function clock(start: number): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('FixedWindowQuota', () => {
  it('counts requests per window and says the wait is the time to the boundary', () => {
    const c = clock(10_250);
    const quota = new FixedWindowQuota({ rpm: 2, tpm: 1_000, windowMs: 1_000 }, c.now);
    expect(quota.tryAdmit(1).ok).toBe(true);
    expect(quota.tryAdmit(1).ok).toBe(true);
    // The window is [10000, 11000): 750 ms to its end, whenever the requests came.
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, limit: 'requests', retryAfterMs: 750, used: 2 });
    c.advance(749);
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, retryAfterMs: 1 });
    c.advance(1);
    expect(quota.tryAdmit(1).ok).toBe(true);
  });

  it('resets on the boundary, not a window after the first request', () => {
    const c = clock(10_900);
    const quota = new FixedWindowQuota({ rpm: 1, tpm: 1_000, windowMs: 1_000 }, c.now);
    expect(quota.tryAdmit(1).ok).toBe(true);
    c.advance(100);
    // A sliding window would hold the request until 11900; the fixed one forgot it at 11000.
    expect(quota.tryAdmit(1).ok).toBe(true);
  });

  it('counts input at admission and output when charged, both in the current window', () => {
    const c = clock(0);
    const quota = new FixedWindowQuota({ rpm: 10, tpm: 100, windowMs: 1_000 }, c.now);
    expect(quota.tryAdmit(60).ok).toBe(true);
    quota.charge(30);
    expect(quota.tryAdmit(20)).toMatchObject({ ok: false, limit: 'tokens', used: 90, retryAfterMs: 1_000 });
    expect(quota.tryAdmit(101)).toMatchObject({ ok: false, tooLarge: true });
    expect(quota.snapshot()).toEqual({
      requestsRemaining: 9,
      tokensRemaining: 10,
      requestsResetMs: 1_000,
      tokensResetMs: 1_000,
    });
  });

  it('reports nothing held and no reset in a fresh window', () => {
    const c = clock(500);
    const quota = new FixedWindowQuota({ rpm: 3, tpm: 100, windowMs: 1_000 }, c.now);
    quota.tryAdmit(5);
    c.advance(600);
    expect(quota.snapshot()).toEqual({
      requestsRemaining: 3,
      tokensRemaining: 100,
      requestsResetMs: 0,
      tokensResetMs: 0,
    });
  });

  it('applies a lower limit to the window in progress', () => {
    const c = clock(0);
    const quota = new FixedWindowQuota({ rpm: 4, tpm: 100, windowMs: 1_000 }, c.now);
    quota.tryAdmit(1);
    quota.tryAdmit(1);
    quota.setLimits({ rpm: 2, tpm: 100, windowMs: 1_000 });
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, limitValue: 2 });
  });
});
