import { describe, expect, it } from 'vitest';
import { TokenBucketQuota } from '../../src/sim/token-bucket-quota.js';

function clock(start = 5_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('TokenBucketQuota', () => {
  it('starts full: a whole window of requests passes at once, then the next is refused', () => {
    const c = clock();
    const quota = new TokenBucketQuota({ rpm: 4, tpm: 1_000, windowMs: 1_000 }, 1, c.now);
    for (let i = 0; i < 4; i += 1) expect(quota.tryAdmit(1).ok).toBe(true);
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, limit: 'requests', limitValue: 4, used: 4 });
  });

  it('refills continuously: one request every window / rpm, and says exactly when', () => {
    const c = clock();
    const quota = new TokenBucketQuota({ rpm: 4, tpm: 1_000, windowMs: 1_000 }, 1, c.now);
    for (let i = 0; i < 4; i += 1) quota.tryAdmit(1);
    c.advance(100);
    // 0.4 of a request back after 100 ms at 4 per 1000 ms: 150 ms more for the whole one.
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, retryAfterMs: 150 });
    c.advance(149);
    expect(quota.tryAdmit(1).ok).toBe(false);
    c.advance(1);
    expect(quota.tryAdmit(1).ok).toBe(true);
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, retryAfterMs: 250 });
  });

  it('holds at most its burst: a quarter-window bucket admits a quarter of rpm at once', () => {
    const c = clock();
    const quota = new TokenBucketQuota({ rpm: 40, tpm: 1_000_000, windowMs: 1_000 }, 0.25, c.now);
    let admitted = 0;
    while (quota.tryAdmit(1).ok) admitted += 1;
    expect(admitted).toBe(10);
    c.advance(10_000);
    admitted = 0;
    while (quota.tryAdmit(1).ok) admitted += 1;
    expect(admitted).toBe(10);
  });

  it('waits for the tokens a request needs, and refuses one larger than the bucket outright', () => {
    const c = clock();
    const quota = new TokenBucketQuota({ rpm: 100, tpm: 1_000, windowMs: 1_000 }, 1, c.now);
    expect(quota.tryAdmit(900).ok).toBe(true);
    // 100 left; 300 needs 200 more at 1 token per ms.
    expect(quota.tryAdmit(300)).toMatchObject({
      ok: false,
      limit: 'tokens',
      retryAfterMs: 200,
      used: 900,
      requested: 300,
      tooLarge: false,
    });
    expect(quota.tryAdmit(1_001)).toMatchObject({ ok: false, limit: 'tokens', tooLarge: true });
  });

  it('charges output tokens after the answer, even into debt the refill repays first', () => {
    const c = clock();
    const quota = new TokenBucketQuota({ rpm: 100, tpm: 1_000, windowMs: 1_000 }, 1, c.now);
    expect(quota.tryAdmit(800).ok).toBe(true);
    quota.charge(400);
    // Level −200: a 100-token request needs 300 tokens of refill.
    expect(quota.tryAdmit(100)).toMatchObject({ ok: false, retryAfterMs: 300 });
    expect(quota.snapshot().tokensRemaining).toBe(0);
  });

  it('reports remaining as whole units and reset as the time until the bucket is full again', () => {
    const c = clock();
    const quota = new TokenBucketQuota({ rpm: 60, tpm: 6_000, windowMs: 60_000 }, 1, c.now);
    quota.tryAdmit(30);
    expect(quota.snapshot()).toEqual({
      requestsRemaining: 59,
      tokensRemaining: 5_970,
      requestsResetMs: 1_000,
      tokensResetMs: 300,
    });
    c.advance(500);
    expect(quota.snapshot()).toMatchObject({ requestsRemaining: 59, requestsResetMs: 500, tokensResetMs: 0 });
  });

  it('shrinks to a lower limit at once and refills at the new rate; a higher one fills at its own pace', () => {
    const c = clock();
    const quota = new TokenBucketQuota({ rpm: 10, tpm: 1_000, windowMs: 1_000 }, 1, c.now);
    quota.setLimits({ rpm: 5, tpm: 1_000, windowMs: 1_000 });
    let admitted = 0;
    while (quota.tryAdmit(1).ok) admitted += 1;
    expect(admitted).toBe(5);
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, retryAfterMs: 200 });
    quota.setLimits({ rpm: 10, tpm: 1_000, windowMs: 1_000 });
    expect(quota.tryAdmit(1)).toMatchObject({ ok: false, retryAfterMs: 100 });
    c.advance(1_000);
    admitted = 0;
    while (quota.tryAdmit(1).ok) admitted += 1;
    expect(admitted).toBe(10);
  });
});
