import { describe, expect, it } from 'vitest';
import { SlidingWindowQuota } from '../../src/sim/sliding-window-quota.js';

function clock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('SlidingWindowQuota', () => {
  it('admits up to rpm requests in a window and refuses the next', () => {
    const c = clock();
    const quota = new SlidingWindowQuota({ rpm: 3, tpm: 1_000, windowMs: 1_000 }, c.now);
    expect(quota.tryAdmit(1).ok).toBe(true);
    c.advance(100);
    expect(quota.tryAdmit(1).ok).toBe(true);
    c.advance(100);
    expect(quota.tryAdmit(1).ok).toBe(true);
    const refused = quota.tryAdmit(1);
    expect(refused).toMatchObject({ ok: false, limit: 'requests', limitValue: 3, used: 3, requested: 1 });
  });

  it('says to wait until the oldest request leaves the window', () => {
    const c = clock();
    const quota = new SlidingWindowQuota({ rpm: 2, tpm: 1_000, windowMs: 1_000 }, c.now);
    quota.tryAdmit(1);
    c.advance(300);
    quota.tryAdmit(1);
    c.advance(200);
    const refused = quota.tryAdmit(1);
    // The first request (t=0) leaves at t=1000; it is now t=500.
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 500 });
    c.advance(499);
    expect(quota.tryAdmit(1).ok).toBe(false);
    c.advance(1);
    expect(quota.tryAdmit(1).ok).toBe(true);
  });

  it('refuses on tokens and waits until enough tokens have left', () => {
    const c = clock();
    const quota = new SlidingWindowQuota({ rpm: 100, tpm: 100, windowMs: 1_000 }, c.now);
    expect(quota.tryAdmit(40).ok).toBe(true);
    c.advance(100);
    expect(quota.tryAdmit(30).ok).toBe(true);
    c.advance(100);
    expect(quota.tryAdmit(20).ok).toBe(true);
    // 90 held; 50 more needs 40 to leave: the first sample (t=0) frees exactly 40, at t=1000.
    const refused = quota.tryAdmit(50);
    expect(refused).toMatchObject({ ok: false, limit: 'tokens', used: 90, requested: 50, retryAfterMs: 800 });
    // 71 needs 61 to leave: the first two samples (t=0, t=100), so wait until t=1100.
    expect(quota.tryAdmit(71)).toMatchObject({ ok: false, retryAfterMs: 900 });
  });

  it('charges output tokens after the fact, so they count against the next request', () => {
    const c = clock();
    const quota = new SlidingWindowQuota({ rpm: 100, tpm: 100, windowMs: 1_000 }, c.now);
    expect(quota.tryAdmit(50).ok).toBe(true);
    quota.charge(40);
    expect(quota.tryAdmit(20)).toMatchObject({ ok: false, limit: 'tokens', used: 90 });
    expect(quota.snapshot()).toMatchObject({ requestsRemaining: 99, tokensRemaining: 10 });
  });

  it('marks a request larger than the whole token budget as too large', () => {
    const quota = new SlidingWindowQuota({ rpm: 10, tpm: 100, windowMs: 1_000 }, clock().now);
    expect(quota.tryAdmit(101)).toMatchObject({
      ok: false,
      limit: 'tokens',
      tooLarge: true,
      retryAfterMs: 1_000,
    });
  });

  it('forgets samples once they are a full window old', () => {
    const c = clock();
    const quota = new SlidingWindowQuota({ rpm: 1, tpm: 10, windowMs: 500 }, c.now);
    expect(quota.tryAdmit(10).ok).toBe(true);
    c.advance(500);
    expect(quota.snapshot()).toEqual({
      requestsRemaining: 1,
      tokensRemaining: 10,
      requestsResetMs: 0,
      tokensResetMs: 0,
    });
    expect(quota.tryAdmit(10).ok).toBe(true);
  });

  it('reports the time until the newest sample leaves (back to its initial state) in its snapshot', () => {
    const c = clock();
    const quota = new SlidingWindowQuota({ rpm: 5, tpm: 100, windowMs: 1_000 }, c.now);
    quota.tryAdmit(10);
    c.advance(250);
    quota.tryAdmit(10);
    expect(quota.snapshot()).toEqual({
      requestsRemaining: 3,
      tokensRemaining: 80,
      requestsResetMs: 1_000,
      tokensResetMs: 1_000,
    });
  });

  it('applies new limits to the samples it already holds', () => {
    const c = clock();
    const quota = new SlidingWindowQuota({ rpm: 5, tpm: 100, windowMs: 1_000 }, c.now);
    quota.tryAdmit(1);
    quota.tryAdmit(1);
    quota.setLimits({ rpm: 2, tpm: 100, windowMs: 1_000 });
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, limit: 'requests', limitValue: 2 });
  });

  it('keeps its bookkeeping bounded by the window over many requests', () => {
    const c = clock();
    const quota = new SlidingWindowQuota({ rpm: 1_000, tpm: 1e9, windowMs: 100 }, c.now);
    let admitted = 0;
    for (let i = 0; i < 200_000; i += 1) {
      if (quota.tryAdmit(3).ok) admitted += 1;
      c.advance(0.5);
    }
    // At one per 0.5 ms a 100 ms window holds at most 200, well under rpm: every request passes,
    // and only the last 199 (those in (now − 100, now], now being 0.5 ms past the last) are kept.
    expect(admitted).toBe(200_000);
    expect(quota.snapshot().requestsRemaining).toBe(1_000 - 199);
  });
});
