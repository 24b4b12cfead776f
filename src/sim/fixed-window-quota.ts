import {
  ADMITTED,
  refusal,
  type QuotaLimits,
  type QuotaSnapshot,
  type QuotaVerdict,
  type RateQuota,
} from './rate-quota.js';

/**
 * Requests and tokens counted per fixed window whose boundaries sit on multiples of W on the clock
 * (a per-minute quota resets on the minute, whenever the caller started):
 *
 *   k(t)         = ⌊t / W⌋;   n, T = requests and tokens charged in window k(t) (0 once k changes)
 *   admit(t, c)  ⇔  n + 1 ≤ rpm  ∧  T + c ≤ tpm
 *   wait = reset = (k(t) + 1) · W − t                 (the time to the boundary)
 *
 * Output tokens charged after the answer count in the window they are charged in. A request whose
 * cost alone exceeds tpm can never pass (`tooLarge`).
 */
export class FixedWindowQuota implements RateQuota {
  private limits: QuotaLimits;
  private window = Number.NaN;
  private requests = 0;
  private tokens = 0;

  constructor(
    limits: QuotaLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...limits };
  }

  setLimits(limits: QuotaLimits): void {
    this.limits = { ...limits };
  }

  tryAdmit(tokens: number): QuotaVerdict {
    const t = this.now();
    this.roll(t);
    const { rpm, tpm } = this.limits;
    const wait = this.toBoundary(t);
    if (this.requests + 1 > rpm) return refusal('requests', wait, rpm, this.requests, 1, false);
    if (tokens > tpm) return refusal('tokens', wait, tpm, this.tokens, tokens, true);
    if (this.tokens + tokens > tpm) return refusal('tokens', wait, tpm, this.tokens, tokens, false);
    this.requests += 1;
    this.tokens += tokens;
    return ADMITTED;
  }

  charge(tokens: number): void {
    if (tokens <= 0) return;
    this.roll(this.now());
    this.tokens += tokens;
  }

  snapshot(): QuotaSnapshot {
    const t = this.now();
    this.roll(t);
    const { rpm, tpm } = this.limits;
    return {
      requestsRemaining: Math.max(0, rpm - this.requests),
      tokensRemaining: Math.max(0, tpm - this.tokens),
      requestsResetMs: this.requests === 0 ? 0 : this.toBoundary(t),
      tokensResetMs: this.tokens === 0 ? 0 : this.toBoundary(t),
    };
  }

  private toBoundary(t: number): number {
    return (Math.floor(t / this.limits.windowMs) + 1) * this.limits.windowMs - t;
  }

  private roll(t: number): void {
    const window = Math.floor(t / this.limits.windowMs);
    if (window === this.window) return;
    this.window = window;
    this.requests = 0;
    this.tokens = 0;
  }
}
