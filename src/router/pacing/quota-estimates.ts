import type { RateLimitQuota } from '../../model/errors.js';
import type { KeyLevel } from './key-level.js';
import { QuietWindows } from './quiet-windows.js';
import { QuotaCeilings } from './quota-ceilings.js';
import { QuotaPeaks } from './quota-peaks.js';
import { QuotaTrials } from './quota-trials.js';
import { TrialGains } from './trial-gains.js';
import type { Levels } from './trial-levels.js';

export type { KeyLevel } from './key-level.js';

/**
 * The quotas a pacer paces to — R̂ requests and T̂ tokens (reported, input + output) per window —
 * with the ceilings U (quota-ceilings.ts) and peaks P (quota-peaks.ts) 429s and reports set, and
 * their trials (quota-trials.ts), each after q quiet windows (quiet-windows.ts). When each rule
 * applies is quota-model.ts's business; `call` is the mean cost m/n of a call.
 *
 *   count      n calls costing m held the window a 429 refused: R̂ ← n, T̂ ← m the first time
 *              (exact: the window began empty); after that (a 429 while pacing: too high)
 *              R̂ ← max(1, R̂ − 2, min(R̂ − 1, n)),  T̂ ← max(call, T̂ − 2·call, min(T̂ − call, m))
 *   read       a 429 whose hint says exactly what the quota is now (r, t): R̂ ← r, T̂ ← t — a drop
 *              below P (a floor's value with the refused call on top) is followed at once and lifts
 *              U; a floor that shows no drop leaves no peak at or above U — unless a dropped quota
 *              may still come back (its trials' 429s bound the low level, not the peak). A reading
 *              that rests on an assumption (uncertain) sets no peak
 *   momentary  R̂ ← max(1, R̂ − 1), T̂ ← max(call, T̂ − call)
 *   reported   the provider reported a larger limit L per window: U ← ∞, and L is a peak
 *   worth      a request quota may always be tried; a token quota alone while P or U leaves a gain
 *              of more than half a call (a smaller one is not worth the 429 it may cost); a rate
 *              while U leaves a twentieth
 *   trial      where it goes: trial-levels.ts, with the request step of request-search.ts; settle,
 *              undo, abandon: quota-trials.ts; halve, forget what trials gained: trial-gains.ts
 *   key full   the provider reports what the key holds, K̄: the step's cap (trial-levels.ts) and q
 *              (quiet-windows.ts)
 *   doubt      the window proved fixed: quota-peaks.ts
 *
 * Pure.
 */
export class QuotaEstimates {
  private requestQuota: number | undefined;
  private tokenQuota: number | undefined;
  private readonly ceilings = new QuotaCeilings();
  private readonly peaks = new QuotaPeaks();
  private readonly gains = new TrialGains();
  private readonly quiet = new QuietWindows();
  private readonly trials = new QuotaTrials(this.ceilings, this.peaks, this.quiet);
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
    return this.quiet.windows;
  }

  /**
   * q, or while the key is reported full, the steps' own q (1, doubling to 8 as they fail) —
   * undefined when a step to what the key holds would gain less than half a call (one request).
   */
  quietWindowsFor(key: KeyLevel | undefined, call: number): number | undefined {
    return this.quiet.forKey(key, this.levels(), call);
  }

  /** The last time R̂ or T̂ changed: a trial waits a window after any change. */
  get lastChangeAt(): number {
    return this.changedAt;
  }

  get trialRunning(): boolean {
    return this.trials.before !== undefined;
  }

  /** R̂ and T̂ as they were before the running trial, if one runs. */
  get beforeTrial(): Levels | undefined {
    return this.trials.before;
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
      if (sure !== undefined) this.peaks.sure('requests', sure.n);
    } else if (n > 0) {
      const call = m / n;
      this.setTokens(t === undefined ? m : Math.max(call, t - 2 * call, Math.min(t - call, m)));
      if (sure !== undefined) this.peaks.sure('tokens', sure.m);
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
    // A floor is loose by up to the refused call: a drop is one even the call on top does not explain.
    const dropped = this.peaks.dropBelow(quota, how.upTo ?? value) && how.afterTrial !== true;
    // A reading that rests on an assumption (a first 429 read as a bucket's, say) is no peak: one
    // above the quota read every later count as a drop, and a trial back to it went each window.
    const notePeak = how.uncertain !== true;
    if (quota === 'requests') this.setRequests(Math.max(1, Math.round(value)), notePeak);
    else this.setTokens(value, notePeak);
    if (dropped) this.ceilings.lift();
    else {
      if (how.exact === true) this.ceilings.exact(quota, value);
      // A floor (a fixed window's: what it admitted, its ceiling what it held and refused) that
      // shows no drop: a level at or past the ceiling was refused, and is no peak to go back to.
      // Not while a dropped quota may come back: U then bounds the low level the trials back to the
      // peak keep running into, and a 429 of theirs read as a fixed window's (its release falls on
      // the first one's plus whole windows, as trials a window apart do) took the peak with it —
      // the quota's return was then never tried (0.63-0.66 of the ideal in 4 of 20 long runs).
      if (how.floor === true && !this.quiet.mayComeBack)
        this.peaks.refused(this.ceilings.tokens, Math.max(value, this.tokenQuota ?? 0));
    }
    if (dropped) this.quiet.dropped();
    else if (how.uncertain === true) this.quiet.uncertain();
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
    this.ceilings.lift(quota);
    this.peaks.reported(quota, level);
  }

  /**
   * The window is fixed: a first count that took calls stamped before its boundary as late may have
   * held the window before's, and a peak above what it held for certain goes (18 read for a fixed
   * 15 sent a trial back to 18 each window, a 429 each, to the end of the run).
   */
  doubtPeaks(): void {
    // A drop read against that peak was none: trials go back to their pace.
    if (this.peaks.doubt()) this.quiet.back();
  }

  lowerCeiling(bound: number): void {
    this.ceilings.lower('tokens', bound);
  }

  /**
   * A request quota can always grow; a token quota alone, while the peak or U leaves more than half
   * a call; a rate (`growth`) while its ceilings leave a twentieth of it.
   */
  worthTrying(call: number, growth?: number): boolean {
    if (growth !== undefined) return this.ceilings.rateRoom(this.levels());
    if (this.requestQuota !== undefined || this.tokenQuota === undefined) return true;
    const toPeak = (this.peaks.tokens ?? 0) - this.tokenQuota;
    return toPeak > call / 2 || this.ceilings.tokens - this.tokenQuota > call / 2;
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
    this.setLevels(this.trials.start(now, this.levels(), call, { growth, key, upTo, stale }));
    this.changedAt = now;
  }

  /** A larger question replaces the running trial: back to before it, with nothing learnt. */
  abandonTrial(): void {
    const before = this.trials.abandon();
    if (before !== undefined) this.setLevels(before);
  }

  /** A window of `w` has passed since the trial: keep it if the gate held calls at its level. */
  settleTrial(now: number, w: number, lastHeldAt: number): void {
    const after = this.trials.settle(now, w, lastHeldAt, this.levels());
    if (after !== undefined) this.setLevels(after);
  }

  /** A 429 at `now` for a call sent at `sent`, within a window `w` of a trial (or sent before one was undone): undo it. */
  undoTrial(now: number, sent: number, w: number | undefined): boolean {
    if (this.trials.undone(sent)) return true;
    const before = this.trials.undo(now, w, this.levels());
    if (before === undefined) return false;
    this.setLevels(before);
    this.changedAt = now;
    return true;
  }

  /** R̂ or T̂ stands above what the last counts set: a trial's gain was kept. */
  aboveCounts(): boolean {
    return this.gains.above(this.levels());
  }

  /** A kept gain proved too high: half of it goes, and the next trial waits twice as long. */
  halveTrialGains(now: number): void {
    this.setLevels(this.gains.halved(this.levels()));
    this.changedAt = now;
    this.quiet.halved();
  }

  /** Back to the quotas last counted (what trials gained under a window now known shorter). */
  forgetTrialGains(): void {
    this.setLevels(this.gains.forgotten(this.levels()));
  }

  private levels(): Levels {
    return { requests: this.requestQuota, tokens: this.tokenQuota };
  }

  private setLevels({ requests, tokens }: Levels): void {
    this.requestQuota = requests;
    this.tokenQuota = tokens;
  }

  private setRequests(value: number, notePeak = true): void {
    this.requestQuota = value;
    this.gains.count('requests', value);
    if (notePeak) this.peaks.note(this.levels());
  }

  private setTokens(value: number, notePeak = true): void {
    this.tokenQuota = value;
    this.gains.count('tokens', value);
    if (notePeak) this.peaks.note(this.levels());
  }
}
