import type { RateLimitQuota } from '../../model/errors.js';
import type { Levels } from './trial-levels.js';

/**
 * The ceilings U, per budget: a level 429s showed too high, which trials stay under
 * (trial-levels.ts) — ∞ until one does.
 *
 *   lower  U ← min(U, bound): a token 429's bound, the level a failed trial tried
 *   exact  a reading r that says exactly what the quota is: U ← min(U, 1.04 r)
 *   lift   U ← ∞: a drop read (both: the quota may come back), a larger limit reported, a token
 *          level held a window past U
 *   rate   a rate has room to grow while U > 1.05 × its level (R̂ or T̂): trials stop within a
 *          twentieth of a level that failed or was read exactly
 */
export class QuotaCeilings {
  private readonly ceiling = { requests: Number.POSITIVE_INFINITY, tokens: Number.POSITIVE_INFINITY };

  /** U of the request quota. */
  get requests(): number {
    return this.ceiling.requests;
  }

  /** U of the token quota. */
  get tokens(): number {
    return this.ceiling.tokens;
  }

  lower(quota: RateLimitQuota, bound: number): void {
    this.ceiling[quota] = Math.min(this.ceiling[quota], bound);
  }

  exact(quota: RateLimitQuota, value: number): void {
    this.lower(quota, value * 1.04);
  }

  /** No ceiling on `quota`, or on either when none is named. */
  lift(quota?: RateLimitQuota): void {
    if (quota !== 'tokens') this.ceiling.requests = Number.POSITIVE_INFINITY;
    if (quota !== 'requests') this.ceiling.tokens = Number.POSITIVE_INFINITY;
  }

  /** Whether a rate at `level` has room to grow under the ceilings. */
  rateRoom(level: Levels): boolean {
    const room = (value: number | undefined, ceiling: number) =>
      value !== undefined && ceiling > value * 1.05;
    return room(level.requests, this.ceiling.requests) || room(level.tokens, this.ceiling.tokens);
  }
}
