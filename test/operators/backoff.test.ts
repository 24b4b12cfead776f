import { describe, expect, it } from 'vitest';
import { backoffDelay, ORIGIN_BACKOFF, type BackoffPolicy } from '../../src/operators/backoff.js';

const exact: BackoffPolicy = { ...ORIGIN_BACKOFF, jitter: 0 };
const mid = () => 0.5;

describe('backoffDelay', () => {
  it('follows the origin schedule 0.5 s → 1 s → 2 s → 4 s without jitter', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, exact, mid))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never waits longer than maxDelayMs before jitter', () => {
    expect(backoffDelay(10, exact, mid)).toBe(4000);
  });

  it('allows three retries by default, as the origin document does', () => {
    expect(ORIGIN_BACKOFF.maxRetries).toBe(3);
  });

  it('spreads the wait over ±jitter of the nominal delay', () => {
    const policy = { ...ORIGIN_BACKOFF, jitter: 0.2 };
    expect(backoffDelay(2, policy, () => 0)).toBe(800);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(1000);
    expect(backoffDelay(2, policy, () => 0.999999)).toBe(1200);
  });

  it('never waits less than the provider hint', () => {
    expect(backoffDelay(1, exact, mid, 7_000)).toBe(7_000);
    expect(backoffDelay(1, { ...exact, jitter: 0.2 }, () => 0, 7_000)).toBe(7_000);
  });

  it('spreads waits above the hint so calls refused together do not return together', () => {
    const policy = { ...exact, jitter: 0.2 };
    expect(backoffDelay(1, policy, () => 0, 10_000)).toBe(10_000);
    expect(backoffDelay(1, policy, () => 0.5, 10_000)).toBe(10_050);
    expect(backoffDelay(2, policy, () => 0.5, 10_000)).toBe(10_100);
  });

  it('spreads by a fraction of the backoff, not of the hint, so a long hint is not stretched', () => {
    const policy = { ...exact, jitter: 0.2 };
    expect(backoffDelay(1, policy, () => 0.999999, 54_000)).toBeLessThanOrEqual(54_100);
  });

  it('ignores a hint shorter than the backoff, and a missing or nonsensical one', () => {
    expect(backoffDelay(3, exact, mid, 100)).toBe(2000);
    expect(backoffDelay(3, exact, mid, Number.NaN)).toBe(2000);
    expect(backoffDelay(3, exact, mid, -5)).toBe(2000);
  });
});
