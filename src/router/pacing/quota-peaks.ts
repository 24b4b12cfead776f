import type { RateLimitQuota } from '../../model/errors.js';

/**
 * The peaks P, per budget: the highest level the quota was counted, read for certain, or kept by a
 * trial at, or that the provider reported. A quota below its peak may come back to it, and the
 * trials go back there (trial-levels.ts).
 *
 *   note      P ← max(P, level)
 *   reported  the provider reported a larger limit L per window: P ← max(P, L) (⌊L⌋ for requests)
 *   drop      a level below 0.9 P is a drop (the key's other user started), not a recount
 *   reached   a request level at P, with no token peak (a token peak is a floor, loose by up to a
 *             call: trials past it still gain), is the dropped quota back
 *   refused   a token peak at or past the ceiling U a fixed window's 429 set was refused, and is no
 *             peak: P ← the level
 *   doubt     the window proved fixed: a peak a first count set on calls taken as late falls to
 *             what that window held for certain (those stamped from its boundary on), or goes at 0
 */
export class QuotaPeaks {
  private readonly peak: { requests?: number; tokens?: number } = {};
  /**
   * What the window held for certain when a count that set a peak rests on an assumption (calls
   * taken as started later than stamped): the peak falls to it if that assumption proves wrong.
   */
  private readonly surePeak: { requests?: number; tokens?: number } = {};

  /** The request peak, once seen. */
  get requests(): number | undefined {
    return this.peak.requests;
  }

  /** The token peak, once seen. */
  get tokens(): number | undefined {
    return this.peak.tokens;
  }

  note(level: { requests: number | undefined; tokens: number | undefined }): void {
    if (level.requests !== undefined) this.peak.requests = Math.max(this.peak.requests ?? 0, level.requests);
    if (level.tokens !== undefined) this.peak.tokens = Math.max(this.peak.tokens ?? 0, level.tokens);
  }

  /** The count that set the peak rests on an assumption; `held`: what its window held for certain. */
  sure(quota: RateLimitQuota, held: number): void {
    this.surePeak[quota] = held;
  }

  reported(quota: RateLimitQuota, level: number): void {
    if (quota === 'requests') this.peak.requests = Math.max(this.peak.requests ?? 0, Math.floor(level));
    else this.peak.tokens = Math.max(this.peak.tokens ?? 0, level);
  }

  /** Whether `level` is a drop below the peak. */
  dropBelow(quota: RateLimitQuota, level: number): boolean {
    const peak = this.peak[quota];
    return peak !== undefined && level < peak * 0.9;
  }

  /** Whether the request level `requests` is back at the peak. */
  reached(requests: number | undefined): boolean {
    return this.peak.tokens === undefined && (requests ?? 0) >= (this.peak.requests ?? 0);
  }

  /** A fixed window refused at `ceiling`: a token peak at or past it falls to `level`. */
  refused(ceiling: number, level: number): void {
    if (this.peak.tokens !== undefined && this.peak.tokens >= ceiling) this.peak.tokens = level;
  }

  /** The window proved fixed: whether a peak fell (a drop read against it was none). */
  doubt(): boolean {
    let fell = false;
    for (const budget of ['requests', 'tokens'] as const) {
      const sure = this.surePeak[budget];
      const peak = this.peak[budget];
      delete this.surePeak[budget];
      if (sure === undefined || peak === undefined || sure >= peak) continue;
      if (sure > 0) this.peak[budget] = sure;
      else delete this.peak[budget];
      fell = true;
    }
    return fell;
  }
}
