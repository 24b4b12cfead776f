import type { RateLimitQuota } from '../../model/errors.js';

/**
 * The quotas a pacer paces to — R̂ requests and T̂ tokens (reported, input + output) per window —
 * with the ceiling U that token 429s put above T, the peaks P (the highest each was counted at),
 * and their trials. When each rule applies is quota-model.ts's business; `call` is the mean cost
 * m/n of a call.
 *
 *   count      n calls costing m held the window a 429 refused: R̂ ← n, T̂ ← m the first time
 *              (exact: the window began empty); after that (a 429 while pacing: too high)
 *              R̂ ← max(1, R̂ − 2, min(R̂ − 1, n)),  T̂ ← max(call, T̂ − 2·call, min(T̂ − call, m))
 *   read       a 429 whose hint says exactly what the quota is now (r, t): R̂ ← r, T̂ ← t — a
 *              quota that dropped (below 0.9 P, a floor's value with the refused call on top) is
 *              followed at once, and the next trial waits one window; a floor that shows no drop
 *              leaves no peak at or above U — unless a dropped quota may still come back (its
 *              trials' 429s bound the low level, not the peak). A reading that rests on an
 *              assumption (uncertain) sets no peak
 *   momentary  R̂ ← max(1, R̂ − 1), T̂ ← max(call, T̂ − call)
 *   ceiling    U ← min(U, bound)
 *   reported   the provider reported a larger limit L per window: U ← ∞ and the peak P ← max(P, L)
 *   trial      back to the peak when below it (the quota came back); else R̂ ← R̂ + s, T̂ ← T̂ +
 *              (U − T̂)/2, or + call without a ceiling — for a token quota alone only while the
 *              gain passes half a call (a smaller one is not worth the 429 it may cost). The
 *              request step s is 1, then 2^(k−1) after k ≥ 2 request trials kept in a row (the
 *              quota may have grown by far more than a call), and ⌊(B − R̂)/2⌋ once such a run
 *              failed at B (a search between a level held and one refused). A stale ceiling's
 *              trial (trial-schedule.ts) goes a call, or a rate half again, past it. No trial goes
 *              past what the provider reports the key holds for us (`upTo`, K̄)
 *   key full   the provider reports what the key holds for us, K̄, no more than the level and a
 *              call (window-pacer.ts): no trial goes back to the peak (the readings answer that);
 *              a step goes to min(the step, K̄), and only while K̄ passes the level by half a call
 *              (one request); it fails on a q of its own, 1 doubling to 8, the dropped quota's
 *              pace untouched
 *   settle     a window after the trial: kept if the gate held calls at its level, else undone;
 *              a kept request trial halves q (at least 1), so a growth is followed window by window
 *   undo       a 429 within a window of the trial: back to before it; q ← min(8, 2q) — min(1, 2q)
 *              while a dropped quota may come back, so its return is found within two windows
 *              (a trial back to the peak asks whether it has; it is no step of a search), and
 *              q unchanged while a search has steps left (it is one)
 *   abandon    a larger question (a raised limit reported) replaces the running trial: back to
 *              before it, q unchanged
 *   halve      a kept gain proved too high: R̂ ← max(count, R̂ − 1), T̂ ← T̂ − (T̂ − count)/2;
 *              q ← min(8, 2q)
 *   forget     R̂ ← min(R̂, count), T̂ ← min(T̂, count)
 *   doubt      the window proved fixed: a peak a first count set on calls taken as late falls to
 *              what that window held for certain (those stamped from its boundary on)
 *
 * q is how many quiet windows the next trial waits for (3 at first, 1 after an uncertain reading,
 * ½ after a drop until a kept trial is back at a request peak, then what it was before the drop).
 * Pure.
 */
const FIRST_QUIET_WINDOWS = 3;
const MAX_QUIET_WINDOWS = 8;
/** A quota that dropped (the key's other user started) is tried again half a window later. */
const AFTER_DROP_QUIET_WINDOWS = 0.5;
/** While it may come back, a trial that failed waits this many quiet windows at most. */
const WHILE_DROPPED_QUIET_WINDOWS = 1;

/** What the provider reports the key holds for us per window, while it shows no room past the level. */
export interface KeyLevel {
  requests?: number;
  tokens?: number;
}

interface Trial {
  at: number;
  requests: number | undefined;
  tokens: number | undefined;
  /** Tried by a share of the level (a rate): a failure bounds the level from above. */
  growth?: number;
  /** Back to a peak (the quota may have come back): a yes-or-no question, not a step of a search. */
  toPeak?: boolean;
  /** A step taken instead of a trial back to the peak, the key reported full below it. */
  keyFull?: boolean;
}

export class QuotaEstimates {
  private requestQuota: number | undefined;
  private tokenQuota: number | undefined;
  private tokenCeiling = Number.POSITIVE_INFINITY;
  private requestCeiling = Number.POSITIVE_INFINITY;
  private readonly peak: { requests?: number; tokens?: number } = {};
  /** R̂ and T̂ as the last counts set them, before any trial. */
  private readonly counted: { requests?: number; tokens?: number } = {};
  private trial: Trial | undefined;
  private trialUndoneAt = Number.NEGATIVE_INFINITY;
  private quiet = FIRST_QUIET_WINDOWS;
  /** q of the steps tried while the key is reported full (a search of its own). */
  private keyFullQuiet = 1;
  /** q before the quota dropped, while trials look for its return to the peak. */
  private quietBeforeDrop: number | undefined;
  /** Request trials kept in a row since the last one failed. */
  private streak = 0;
  /** The lowest request level a window trial failed at since one was kept above it. */
  private requestBound = Number.POSITIVE_INFINITY;
  /** The mean cost of a call when the last trial started. */
  private meanCall = 1;
  private changedAt = Number.NEGATIVE_INFINITY;
  /**
   * What the window held for certain when a count that set a peak rests on an assumption (calls
   * taken as started later than stamped): the peak falls to it if that assumption proves wrong.
   */
  private readonly surePeak: { requests?: number; tokens?: number } = {};

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

  /**
   * q, or while the key is reported full, the steps' own q (1, doubling to 8 as they fail) —
   * undefined when a step to what the key holds would gain less than half a call (one request).
   */
  quietWindowsFor(key: KeyLevel | undefined, call: number): number | undefined {
    if (key === undefined) return this.quiet;
    const { requestQuota: r, tokenQuota: t } = this;
    const gains =
      (r !== undefined && key.requests !== undefined && key.requests >= r + 1) ||
      (t !== undefined && key.tokens !== undefined && key.tokens - t > call / 2);
    return gains ? this.keyFullQuiet : undefined;
  }

  /** The last time R̂ or T̂ changed: a trial waits a window after any change. */
  get lastChangeAt(): number {
    return this.changedAt;
  }

  get trialRunning(): boolean {
    return this.trial !== undefined;
  }

  /** R̂ and T̂ as they were before the running trial, if one runs. */
  get beforeTrial(): { requests: number | undefined; tokens: number | undefined } | undefined {
    const trial = this.trial;
    return trial === undefined ? undefined : { requests: trial.requests, tokens: trial.tokens };
  }

  /**
   * `sure`: what the window held for certain when the count rests on an assumption (calls taken as
   * started later than stamped, which may have been another window's): the peak falls to it if the
   * window proves fixed (`doubtPeaks`).
   */
  count(quota: RateLimitQuota, n: number, m: number, now: number, sure?: { n: number; m: number }): void {
    const r = this.requestQuota;
    const t = this.tokenQuota;
    if (n > 0 && quota === 'requests') {
      this.setRequests(r === undefined ? n : Math.max(1, r - 2, Math.min(r - 1, n)));
      if (sure !== undefined) this.surePeak.requests = sure.n;
    } else if (n > 0) {
      const call = m / n;
      this.setTokens(t === undefined ? m : Math.max(call, t - 2 * call, Math.min(t - call, m)));
      if (sure !== undefined) this.surePeak.tokens = sure.m;
    }
    this.changedAt = now;
  }

  /**
   * A 429 told what the quota is now: taken as it is. A quota that dropped below its peak (and
   * not at the end of a trial) may come back: its ceilings go and the next trial waits half a
   * window; after a reading that rests on an assumption (`uncertain`), one. An `exact` reading bounds the
   * level too: trials stop within a twentieth of it. A `floor` (what a fixed window admitted)
   * leaves no peak at or above the ceiling its 429 set.
   */
  read(
    quota: RateLimitQuota,
    value: number,
    now: number,
    how: { uncertain?: boolean; afterTrial?: boolean; exact?: boolean; floor?: boolean; upTo?: number } = {},
  ): void {
    if (!(value > 0)) return;
    const peak = this.peak[quota];
    // A reading that rests on an assumption (a first 429 read as a bucket's, say) is no peak: one
    // above the quota read every later count as a drop, and a trial back to it went each window.
    const notePeak = how.uncertain !== true;
    if (quota === 'requests') this.setRequests(Math.max(1, Math.round(value)), notePeak);
    else this.setTokens(value, notePeak);
    // A floor is loose by up to the refused call: a drop is one even the call on top does not explain.
    const dropped = peak !== undefined && (how.upTo ?? value) < peak * 0.9 && how.afterTrial !== true;
    if (dropped) {
      this.requestCeiling = Number.POSITIVE_INFINITY;
      this.tokenCeiling = Number.POSITIVE_INFINITY;
    } else {
      if (how.exact === true) {
        if (quota === 'requests') this.requestCeiling = Math.min(this.requestCeiling, value * 1.04);
        else this.tokenCeiling = Math.min(this.tokenCeiling, value * 1.04);
      }
      // A floor (a fixed window's: what it admitted, its ceiling what it held and refused) that
      // shows no drop: a level at or past the ceiling was refused, and is no peak to go back to.
      // Not while a dropped quota may come back: U then bounds the low level the trials back to the
      // peak keep running into, and a 429 of theirs read as a fixed window's (its release falls on
      // the first one's plus whole windows, as trials a window apart do) took the peak with it —
      // the quota's return was then never tried (0.63-0.66 of the ideal in 4 of 20 long runs).
      if (
        how.floor === true &&
        this.quietBeforeDrop === undefined &&
        this.peak.tokens !== undefined &&
        this.peak.tokens >= this.tokenCeiling
      )
        this.peak.tokens = Math.max(value, this.tokenQuota ?? 0);
    }
    if (dropped) {
      this.quietBeforeDrop ??= this.quiet;
      this.quiet = AFTER_DROP_QUIET_WINDOWS;
    } else if (how.uncertain === true) this.quiet = 1;
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

  /**
   * The provider reported `level` per window, above what it reported before: the ceiling 429s put
   * on the budget bounded the smaller quota, and the level is a peak for the next trial to go to.
   */
  reportedLimit(quota: RateLimitQuota, level: number): void {
    if (!(level > 0)) return;
    if (quota === 'requests') {
      this.requestCeiling = Number.POSITIVE_INFINITY;
      this.peak.requests = Math.max(this.peak.requests ?? 0, Math.floor(level));
    } else {
      this.tokenCeiling = Number.POSITIVE_INFINITY;
      this.peak.tokens = Math.max(this.peak.tokens ?? 0, level);
    }
  }

  /**
   * The window is fixed: a first count that took calls stamped before its boundary as late may have
   * held the window before's, and a peak above what it held for certain goes (18 read for a fixed
   * 15 sent a trial back to 18 each window, a 429 each, to the end of the run).
   */
  doubtPeaks(): void {
    for (const budget of ['requests', 'tokens'] as const) {
      const sure = this.surePeak[budget];
      const peak = this.peak[budget];
      delete this.surePeak[budget];
      if (sure === undefined || peak === undefined || sure >= peak) continue;
      if (sure > 0) this.peak[budget] = sure;
      else delete this.peak[budget];
      // A drop read against that peak was none: trials go back to their pace.
      if (this.quietBeforeDrop !== undefined) {
        this.quiet = this.quietBeforeDrop;
        this.quietBeforeDrop = undefined;
      }
    }
  }

  lowerCeiling(bound: number): void {
    this.tokenCeiling = Math.min(this.tokenCeiling, bound);
  }

  /**
   * A request quota can always grow; a token quota alone, while the peak or U leaves more than half
   * a call; a rate (`growth`) while its ceilings leave a twentieth of it.
   */
  worthTrying(call: number, growth?: number): boolean {
    if (growth !== undefined) {
      const room = (level: number | undefined, ceiling: number) =>
        level !== undefined && ceiling > level * 1.05;
      return room(this.requestQuota, this.requestCeiling) || room(this.tokenQuota, this.tokenCeiling);
    }
    if (this.requestQuota !== undefined || this.tokenQuota === undefined) return true;
    const toPeak = (this.peak.tokens ?? 0) - this.tokenQuota;
    return toPeak > call / 2 || this.tokenCeiling - this.tokenQuota > call / 2;
  }

  /** The next trial (not a rate's) would go back to a peak: it asks whether a dropped quota came back. */
  private towardsPeak(call: number): boolean {
    const { peak, requestQuota: r, tokenQuota: t } = this;
    const requests = r !== undefined && peak.requests !== undefined && peak.requests > r + 1;
    return requests || (t !== undefined && peak.tokens !== undefined && peak.tokens - t > call / 2);
  }

  /**
   * `key`: what the provider reports the key holds for us while it shows no room past the level
   * (window-pacer.ts): a trial back to the peak would ask what the readings answer, so the trial
   * is a step, to that level at most. `upTo`: what they show it holds, full or not — no trial goes
   * higher. `stale`: the ceiling has barred trials long enough to be doubted; a rate grows past it.
   */
  startTrial(
    now: number,
    call: number,
    growth?: number,
    key?: KeyLevel,
    { upTo, stale = false }: { upTo?: KeyLevel | undefined; stale?: boolean } = {},
  ): void {
    this.meanCall = call;
    this.trial = {
      at: now,
      requests: this.requestQuota,
      tokens: this.tokenQuota,
      ...(growth !== undefined && { growth }),
    };
    if (growth !== undefined) {
      // A rate: by a share of itself, or half way to a level that failed.
      const grow = (level: number, ceiling: number) =>
        Number.isFinite(ceiling) && !stale ? level + Math.max(0, ceiling - level) / 2 : level * (1 + growth);
      if (this.requestQuota !== undefined) this.requestQuota = grow(this.requestQuota, this.requestCeiling);
      if (this.tokenQuota !== undefined) this.tokenQuota = grow(this.tokenQuota, this.tokenCeiling);
      this.changedAt = now;
      return;
    }
    // The key reported full (its other user is still there): its readings, not a trial, show when
    // the quota comes back, and this trial is a step to what they show at most, paced on its own.
    const peaked = this.towardsPeak(call);
    const back = key === undefined && peaked;
    const { peak } = this;
    if (this.requestQuota !== undefined) {
      const toPeak = back && peak.requests !== undefined && peak.requests > this.requestQuota + 1;
      this.requestQuota = toPeak ? (peak.requests as number) : this.requestQuota + this.requestStep();
      if (toPeak) this.trial.toPeak = true;
    }
    if (this.tokenQuota !== undefined) {
      if (back && peak.tokens !== undefined && peak.tokens - this.tokenQuota > call / 2) {
        this.tokenQuota = peak.tokens;
        this.trial.toPeak = true;
      } else {
        const gap = this.tokenCeiling - this.tokenQuota;
        this.tokenQuota += Number.isFinite(gap) && gap > call / 2 ? gap / 2 : call;
      }
    }
    if (key !== undefined) this.trial.keyFull = true;
    const cap = key ?? upTo;
    if (cap !== undefined) {
      if (this.requestQuota !== undefined && cap.requests !== undefined)
        this.requestQuota = Math.max(
          this.trial.requests ?? 0,
          Math.min(this.requestQuota, Math.floor(cap.requests)),
        );
      if (this.tokenQuota !== undefined && cap.tokens !== undefined)
        this.tokenQuota = Math.max(this.trial.tokens ?? 0, Math.min(this.tokenQuota, cap.tokens));
    }
    this.changedAt = now;
  }

  /** A larger question replaces the running trial: back to before it, with nothing learnt. */
  abandonTrial(): void {
    const trial = this.trial;
    if (trial === undefined) return;
    this.requestQuota = trial.requests;
    this.tokenQuota = trial.tokens;
    this.trial = undefined;
  }

  /** A window of `w` has passed since the trial: keep it if the gate held calls at its level. */
  settleTrial(now: number, w: number, lastHeldAt: number): void {
    const trial = this.trial;
    if (trial === undefined || now - trial.at < w) return;
    if (lastHeldAt <= trial.at) {
      this.requestQuota = trial.requests;
      this.tokenQuota = trial.tokens;
    } else {
      // Held a window at the trial level: the quota has it. A token level past the ceiling lifts it.
      // (A rate's is no peak: a bucket that had filled lets a faster rate pass for a while.)
      if (this.tokenQuota !== undefined && this.tokenQuota > this.tokenCeiling)
        this.tokenCeiling = Number.POSITIVE_INFINITY;
      if (trial.growth === undefined) {
        this.backAtPeak();
        this.notePeaks();
        if (trial.toPeak !== true && trial.requests !== undefined) {
          // A request level no 429 had shown was held: the quota may have grown by more than a
          // step. The next trial comes sooner, and from the second kept in a row, doubles.
          this.streak += 1;
          this.quiet = Math.max(1, this.quiet / 2);
          if ((this.requestQuota ?? 0) >= this.requestBound) this.requestBound = Number.POSITIVE_INFINITY;
        }
      }
    }
    this.trial = undefined;
  }

  /** A 429 at `now` for a call sent at `sent`, within a window `w` of a trial (or sent before one was undone): undo it. */
  undoTrial(now: number, sent: number, w: number | undefined): boolean {
    if (sent <= this.trialUndoneAt) return true;
    const trial = this.trial;
    if (trial === undefined || w === undefined || now - trial.at >= w) return false;
    // What failed bounds the level from above (a token quota's ceiling is lowered by the 429 itself).
    if (trial.growth !== undefined && this.requestQuota !== undefined)
      this.requestCeiling = Math.min(this.requestCeiling, this.requestQuota);
    if (this.tokenQuota !== undefined) this.tokenCeiling = Math.min(this.tokenCeiling, this.tokenQuota);
    const searching = this.streak > 1 || this.requestBound < Number.POSITIVE_INFINITY;
    if (trial.growth === undefined && trial.toPeak !== true && this.requestQuota !== undefined && searching)
      this.requestBound = Math.min(this.requestBound, this.requestQuota);
    this.streak = 0;
    this.requestQuota = trial.requests;
    this.tokenQuota = trial.tokens;
    this.trial = undefined;
    this.trialUndoneAt = now;
    this.changedAt = now;
    // A token trial that halved a wide gap to its ceiling was a step of a search, not a sign that
    // the quota is tight: the next may follow as soon; once the gap is narrow, trials slow down.
    const gap = this.tokenQuota === undefined ? 0 : this.tokenCeiling - this.tokenQuota;
    // A trial back to the peak is a question (has the quota come back?), not a step of a search.
    // While the quota may come back, the answer is asked for again within a window: found within two.
    const stepsLeft = Number.isFinite(this.requestBound) && this.requestBound - (this.requestQuota ?? 0) > 1;
    // A step while the key was full backs off on its own q: once the key shows room again, the
    // trials back to the peak go at the dropped quota's pace.
    if (trial.keyFull === true) this.keyFullQuiet = Math.min(MAX_QUIET_WINDOWS, this.keyFullQuiet * 2);
    else if (trial.toPeak === true || !((trial.requests === undefined && gap > this.meanCall) || stepsLeft))
      this.quiet = Math.min(
        this.quietBeforeDrop === undefined ? MAX_QUIET_WINDOWS : WHILE_DROPPED_QUIET_WINDOWS,
        this.quiet * 2,
      );
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

  /** A request trial's step: 1, doubling from the second kept in a row; half way to a level that failed in a search. */
  private requestStep(): number {
    const gap = this.requestBound - (this.requestQuota ?? 0);
    if (Number.isFinite(gap)) return gap > 1 ? Math.floor(gap / 2) : 1;
    return this.streak >= 2 ? 2 ** (this.streak - 1) : 1;
  }

  private setRequests(value: number, notePeak = true): void {
    this.requestQuota = value;
    this.counted.requests = value;
    if (notePeak) this.notePeaks();
  }

  private setTokens(value: number, notePeak = true): void {
    this.tokenQuota = value;
    this.counted.tokens = value;
    if (notePeak) this.notePeaks();
  }

  /**
   * A kept trial reached a request peak again: the quota is back, and trials past it wait as before
   * the drop. (A token peak is a floor, loose by up to a call: trials past it still gain.)
   */
  private backAtPeak(): void {
    const { peak } = this;
    const back = peak.tokens === undefined && (this.requestQuota ?? 0) >= (peak.requests ?? 0);
    if (!back || this.quietBeforeDrop === undefined) return;
    this.quiet = this.quietBeforeDrop;
    this.quietBeforeDrop = undefined;
  }

  private notePeaks(): void {
    if (this.requestQuota !== undefined)
      this.peak.requests = Math.max(this.peak.requests ?? 0, this.requestQuota);
    if (this.tokenQuota !== undefined) this.peak.tokens = Math.max(this.peak.tokens ?? 0, this.tokenQuota);
  }
}
