import { FixedWindowQuota } from './fixed-window-quota.js';
import type { QuotaLimits, QuotaShape, RateQuota } from './rate-quota.js';
import { SlidingWindowQuota } from './sliding-window-quota.js';
import { TokenBucketQuota } from './token-bucket-quota.js';

/** The quota of a shape: `burst` sizes a token bucket (a share of one window's allowance). */
export function createRateQuota(
  shape: QuotaShape,
  limits: QuotaLimits,
  now: () => number,
  burst = 1,
): RateQuota {
  switch (shape) {
    case 'sliding':
      return new SlidingWindowQuota(limits, now);
    case 'token_bucket':
      return new TokenBucketQuota(limits, burst, now);
    case 'fixed_window':
      return new FixedWindowQuota(limits, now);
  }
}
