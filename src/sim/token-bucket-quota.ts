import {
  ADMITTED,
  refusal,
  type QuotaLimits,
  type QuotaSnapshot,
  type QuotaVerdict,
  type RateQuota,
} from './rate-quota.js';

/**
 * Requests and tokens metered by two token buckets, the way OpenAI documents its limits: each
 * budget holds up to C = burst · limit (burst 1 = a whole window's allowance, the default) and
 * refills continuously at `limit` per window, starting full:
 *
 *   level(t)     = min(C, level(s) + (t − s) · limit / W)          s = the last update
 *   admit(t, c)  ⇔  levelR(t) ≥ 1  ∧  levelT(t) ≥ c               then levelR −= 1, levelT −= c
 *   wait         = (need − level) · W / limit                      for the budget that is short
 *   reset        = (C − level) · W / limit                         (until full again: x-ratelimit-reset-*)
 *   remaining    = ⌊level⌋
 *
 * Output tokens charged after the answer may take levelT below 0, a debt the refill repays first.
 * A request needing more than C tokens can never pass (`tooLarge`).
 */
const EPSILON = 1e-6;

export class TokenBucketQuota implements RateQuota {
  private limits: QuotaLimits;
  private requests: number;
  private tokens: number;
  private at: number;

  constructor(
    limits: QuotaLimits,
    private readonly burst = 1,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...limits };
    this.requests = this.capacity('requests');
    this.tokens = this.capacity('tokens');
    this.at = now();
  }

  setLimits(limits: QuotaLimits): void {
    this.refill(this.now());
    this.limits = { ...limits };
    this.requests = Math.min(this.requests, this.capacity('requests'));
    this.tokens = Math.min(this.tokens, this.capacity('tokens'));
  }

  tryAdmit(tokens: number): QuotaVerdict {
    this.refill(this.now());
    const { rpm, tpm, windowMs } = this.limits;
    if (this.requests < 1 - EPSILON) {
      const wait = ((1 - this.requests) * windowMs) / rpm;
      return refusal('requests', wait, rpm, this.used('requests'), 1, false);
    }
    if (tokens > this.capacity('tokens')) {
      return refusal('tokens', windowMs, tpm, this.used('tokens'), tokens, true);
    }
    if (this.tokens < tokens - EPSILON) {
      const wait = ((tokens - this.tokens) * windowMs) / tpm;
      return refusal('tokens', wait, tpm, this.used('tokens'), tokens, false);
    }
    this.requests -= 1;
    this.tokens -= tokens;
    return ADMITTED;
  }

  charge(tokens: number): void {
    if (tokens <= 0) return;
    this.refill(this.now());
    this.tokens -= tokens;
  }

  snapshot(): QuotaSnapshot {
    this.refill(this.now());
    const { rpm, tpm, windowMs } = this.limits;
    return {
      requestsRemaining: remaining(this.requests),
      tokensRemaining: remaining(this.tokens),
      requestsResetMs: Math.max(0, ((this.capacity('requests') - this.requests) * windowMs) / rpm),
      tokensResetMs: Math.max(0, ((this.capacity('tokens') - this.tokens) * windowMs) / tpm),
    };
  }

  private capacity(budget: 'requests' | 'tokens'): number {
    return this.burst * (budget === 'requests' ? this.limits.rpm : this.limits.tpm);
  }

  /** What the message reports as used: the limit less what remains. */
  private used(budget: 'requests' | 'tokens'): number {
    const limit = budget === 'requests' ? this.limits.rpm : this.limits.tpm;
    return Math.max(0, limit - remaining(budget === 'requests' ? this.requests : this.tokens));
  }

  private refill(t: number): void {
    const elapsed = t - this.at;
    if (elapsed <= 0) return;
    const { rpm, tpm, windowMs } = this.limits;
    this.requests = Math.min(this.capacity('requests'), this.requests + (elapsed * rpm) / windowMs);
    this.tokens = Math.min(this.capacity('tokens'), this.tokens + (elapsed * tpm) / windowMs);
    this.at = t;
  }
}

function remaining(level: number): number {
  return Math.max(0, Math.floor(level + EPSILON));
}
