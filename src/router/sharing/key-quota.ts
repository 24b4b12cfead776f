import type { QuotaShare, SharedEstimate } from './quota-share.js';
import type { Pacer } from '../pacing/pacer.js';

/**
 * The key's quota to gate by:
 *
 *   Q = newestEstimate() ?? { Ŵ: M, R̂: limit-requests, T̂: limit-tokens, learntAt: t₀ }
 *
 * its newest estimate (learnt from 429s, this instance's or a peer's), else the limits the provider
 * reports on its answers (`inner.learnt.reported`: OpenAI's x-ratelimit-limit-*, the key's, per
 * minute M), first read at t₀. Not published: every instance on the key reads the same limits on its
 * own first answer, and the batch-size rule keeps reading what 429s taught (`learnt`).
 */
export class KeyQuota {
  /** t₀: when the key's quota was first taken from the limits the provider reports. */
  private reportedAt: number | undefined;

  constructor(
    private readonly share: QuotaShare,
    private readonly inner: Pacer,
  ) {}

  at(now: number): SharedEstimate | undefined {
    const q = this.share.newestEstimate();
    if (q !== undefined) return q;
    const r = this.inner.learnt?.reported;
    if (r?.windowMs === undefined || (r.requests === undefined && r.tokens === undefined)) return undefined;
    this.reportedAt ??= now;
    return {
      windowMs: r.windowMs,
      ...(r.requests !== undefined && { requests: r.requests }),
      ...(r.tokens !== undefined && { tokens: r.tokens }),
      ...(r.shape !== undefined && { shape: r.shape }),
      learntAt: this.reportedAt,
      by: this.share.self ?? '',
    };
  }
}
