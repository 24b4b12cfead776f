/**
 * When a ceiling that bars every trial has gone stale: s quiet windows after the last 429 (with
 * q, the trials' own wait, when longer), after which one trial goes past it — the quota may have
 * grown, or the key's other user stopped.
 *
 *   s ← 8                 when such a trial starts after one that held
 *   s ← min(64, 2·s)      when a bucket's rate, tried past its ceiling, is refused
 *
 * A rate read while another client drew on the bucket is low, and was held to the end of a run:
 * its trials go on, less often each time one fails.
 */
const STALE_CEILING_WINDOWS = 8;
const MAX_STALE_CEILING_WINDOWS = 64;

export class StaleCeiling {
  private windows = STALE_CEILING_WINDOWS;
  private trial = false;
  private failed = false;

  /** s: quiet windows before a trial past the ceiling. */
  get quietWindows(): number {
    return this.windows;
  }

  /** A trial starts; `stale`: only a stale ceiling let it. */
  trialStarted(stale: boolean): void {
    if (stale && !this.failed) this.windows = STALE_CEILING_WINDOWS;
    this.failed = false;
    this.trial = stale;
  }

  /** A trial ran into a 429; `rate`: it tried a bucket's rate. */
  trialRefused(rate: boolean): void {
    if (this.trial && rate) {
      this.failed = true;
      this.windows = Math.min(MAX_STALE_CEILING_WINDOWS, 2 * this.windows);
    }
    this.trial = false;
  }
}
