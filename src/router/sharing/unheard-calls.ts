import type { QuotaUsage } from './quota-share.js';

/**
 * Calls the key held that no one heard of: a count that missed a silent peer's calls and kept the
 * estimate R̂ above what it counted (hi) found U = R̂ − hi of them, made by s, the latest a silent
 * peer's unheard calls can have been made (share.silentUntil). Till s + Ŵ they may be in the window:
 *
 *   peers(t) = peersUsage(t, Ŵ) + U      while t < s + Ŵ
 *
 * and each part gives up its share of them, U·f / (f + Σ f_peers) (the gate's business).
 */
export class UnheardCalls {
  private unheard: (QuotaUsage & { until: number }) | undefined;

  /** A count found `requests` and `tokens` unheard of, in the window until `until` at most. */
  found(until: number, requests: number, tokens: number): void {
    if (requests <= 0 && tokens <= 0) return;
    this.unheard = { until, requests: Math.max(0, requests), tokens: Math.max(0, tokens) };
  }

  /** U while it may be in the window at `now`. */
  at(now: number): QuotaUsage | undefined {
    return this.unheard !== undefined && now < this.unheard.until ? this.unheard : undefined;
  }

  /** The peers' `usage` at `now` with U added while it may be in the window. */
  addedTo(usage: QuotaUsage, now: number): QuotaUsage {
    const u = this.unheard;
    if (u === undefined || now >= u.until) return usage;
    return { requests: usage.requests + u.requests, tokens: usage.tokens + u.tokens };
  }
}
