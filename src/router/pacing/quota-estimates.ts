import type { RateLimitQuota } from '../../model/errors.js';

/**
 * The quotas pacing paces to — R̂ requests and T̂ tokens (reported, input + output) per window —
 * with the ceiling U that token 429s put above T, and their trials. When each rule applies is
 * window-quota.ts's business; `call` is the mean cost m/n of a call.
 *
 *   count      n calls costing m held the window a 429 refused: R̂ ← n, T̂ ← m the first time
 *              (exact: the window began empty); after that (a 429 while pacing: too high)
 *              R̂ ← max(1, R̂ − 2, min(R̂ − 1, n)),  T̂ ← max(call, T̂ − 2·call, min(T̂ − call, m))
 *   momentary  R̂ ← max(1, R̂ − 1), T̂ ← max(call, T̂ − call)
 *   ceiling    U ← min(U, bound)
 *   trial      R̂ ← R̂ + 1, T̂ ← T̂ + (U − T̂)/2, or + call without a ceiling — worth it for a token
 *              quota alone while U − T̂ > call/2 (a smaller gain is not worth the 429 it may cost)
 *   settle     a window after the trial: kept if the gate held calls at its level, else undone
 *   undo       a 429 within a window of the trial: back to before it; q ← min(48, 2q)
 *   halve      a kept gain proved too high: R̂ ← max(count, R̂ − 1), T̂ ← T̂ − (T̂ − count)/2;
 *              q ← min(48, 2q)
 *   forget     R̂ ← min(R̂, count), T̂ ← min(T̂, count)
 *
 * q is how many quiet windows the next trial waits for (3 at first). Pure.
 */
const FIRST_QUIET_WINDOWS = 3;
const MAX_QUIET_WINDOWS = 48;

interface Trial {
  at: number;
  requests: number | undefined;
  tokens: number | undefined;
}

export class QuotaEstimates {
  private requestQuota: number | undefined;
  private tokenQuota: number | undefined;
  private tokenCeiling = Number.POSITIVE_INFINITY;
  /** R̂ and T̂ as the last counts set them, before any trial. */
  private readonly counted: { requests?: number; tokens?: number } = {};
  private trial: Trial | undefined;
  private trialUndoneAt = Number.NEGATIVE_INFINITY;
  private quiet = FIRST_QUIET_WINDOWS;
  private changedAt = Number.NEGATIVE_INFINITY;

  /** R̂, once counted. */
  get requests(): number | undefined {
    return this.requestQuota;
  }

  /** T̂, once counted. */
  get tokens(): number | undefined {
    return this.tokenQuota;
  }

  /** q: quiet windows the next trial waits for. */
  get quietWindows(): number {
    return this.quiet;
  }

  /** The last time R̂ or T̂ changed: a trial waits a window after any change. */
  get lastChangeAt(): number {
    return this.changedAt;
  }

  get trialRunning(): boolean {
    return this.trial !== undefined;
  }

  count(quota: RateLimitQuota, n: number, m: number, now: number): void {
    const r = this.requestQuota;
    const t = this.tokenQuota;
    if (n > 0 && quota === 'requests') {
      this.requestQuota = r === undefined ? n : Math.max(1, r - 2, Math.min(r - 1, n));
      this.counted.requests = this.requestQuota;
    } else if (n > 0) {
      const call = m / n;
      this.tokenQuota = t === undefined ? m : Math.max(call, t - 2 * call, Math.min(t - call, m));
      this.counted.tokens = this.tokenQuota;
    }
    this.changedAt = now;
  }

  /** A momentary 429 the estimate did not foresee: one call less (never below one call). */
  shrink(quota: RateLimitQuota, call: number): void {
    if (quota === 'requests') {
      if (this.requestQuota !== undefined) this.requestQuota = Math.max(1, this.requestQuota - 1);
      return;
    }
    if (this.tokenQuota !== undefined) this.tokenQuota = Math.max(call, this.tokenQuota - call);
  }

  lowerCeiling(bound: number): void {
    this.tokenCeiling = Math.min(this.tokenCeiling, bound);
  }

  /** A request quota can always grow; a token quota alone, while U leaves more than half a call. */
  worthTrying(call: number): boolean {
    if (this.requestQuota !== undefined || this.tokenQuota === undefined) return true;
    return this.tokenCeiling - this.tokenQuota > call / 2;
  }

  startTrial(now: number, call: number): void {
    this.trial = { at: now, requests: this.requestQuota, tokens: this.tokenQuota };
    if (this.requestQuota !== undefined) this.requestQuota += 1;
    if (this.tokenQuota !== undefined) {
      const gap = this.tokenCeiling - this.tokenQuota;
      this.tokenQuota += Number.isFinite(gap) && gap > 0 ? gap / 2 : call;
    }
    this.changedAt = now;
  }

  /** A window of `w` has passed since the trial: keep it if the gate held calls at its level. */
  settleTrial(now: number, w: number, lastHeldAt: number): void {
    const trial = this.trial;
    if (trial === undefined || now - trial.at < w) return;
    if (lastHeldAt <= trial.at) {
      this.requestQuota = trial.requests;
      this.tokenQuota = trial.tokens;
    }
    this.trial = undefined;
  }

  /** A 429 at `now` for a call sent at `sent`, within a window `w` of a trial (or sent before one was undone): undo it. */
  undoTrial(now: number, sent: number, w: number | undefined): boolean {
    if (sent <= this.trialUndoneAt) return true;
    const trial = this.trial;
    if (trial === undefined || w === undefined || now - trial.at >= w) return false;
    this.requestQuota = trial.requests;
    this.tokenQuota = trial.tokens;
    this.trial = undefined;
    this.trialUndoneAt = now;
    this.changedAt = now;
    this.quiet = Math.min(MAX_QUIET_WINDOWS, this.quiet * 2);
    return true;
  }

  /** R̂ or T̂ stands above what the last counts set: a trial's gain was kept. */
  aboveCounts(): boolean {
    const { counted } = this;
    return (
      (counted.requests !== undefined && (this.requestQuota ?? 0) > counted.requests) ||
      (counted.tokens !== undefined && (this.tokenQuota ?? 0) > counted.tokens)
    );
  }

  /** A kept gain proved too high: half of it goes, and the next trial waits twice as long. */
  halveTrialGains(now: number): void {
    const { counted } = this;
    if (counted.requests !== undefined && this.requestQuota !== undefined)
      this.requestQuota = Math.max(counted.requests, this.requestQuota - 1);
    if (counted.tokens !== undefined && this.tokenQuota !== undefined && this.tokenQuota > counted.tokens)
      this.tokenQuota -= (this.tokenQuota - counted.tokens) / 2;
    this.changedAt = now;
    this.quiet = Math.min(MAX_QUIET_WINDOWS, this.quiet * 2);
  }

  /** Back to the quotas last counted (what trials gained under a window now known shorter). */
  forgetTrialGains(): void {
    const { counted } = this;
    if (counted.requests !== undefined && this.requestQuota !== undefined)
      this.requestQuota = Math.min(this.requestQuota, counted.requests);
    if (counted.tokens !== undefined && this.tokenQuota !== undefined)
      this.tokenQuota = Math.min(this.tokenQuota, counted.tokens);
  }
}
