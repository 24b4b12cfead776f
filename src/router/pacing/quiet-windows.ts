import type { KeyLevel } from './key-level.js';

/**
 * q, how many quiet windows the next trial of the quota waits for, and q_K, the same for the steps
 * tried while the provider reports the key full (a search of its own):
 *
 *   start      q = 3, q_K = 1
 *   uncertain  a reading that rests on an assumption: q ← 1
 *   drop       the quota dropped: q₀ ← q (kept from the first drop), q ← ½ — until a kept trial is
 *              back at a request peak, or the peak proves doubtful: q ← q₀
 *   kept       a kept request trial: q ← max(1, q/2), so a growth is followed window by window
 *   failed     a trial a 429 undid (quota-trials.ts says which slow the next): q ← min(8, 2q) —
 *              min(1, 2q) while a dropped quota may come back, so its return is found within two windows
 *   halved     a kept gain proved too high: q ← min(8, 2q)
 *   key full   a step that failed: q_K ← min(8, 2·q_K), q untouched (the dropped quota's pace);
 *              no step at all unless K̄ ≥ R̂ + 1 or K̄ − T̂ > call/2
 */
const FIRST_QUIET_WINDOWS = 3;
const MAX_QUIET_WINDOWS = 8;
/** A quota that dropped (the key's other user started) is tried again half a window later. */
const AFTER_DROP_QUIET_WINDOWS = 0.5;
/** While it may come back, a trial that failed waits this many quiet windows at most. */
const WHILE_DROPPED_QUIET_WINDOWS = 1;

export class QuietWindows {
  private quiet = FIRST_QUIET_WINDOWS;
  /** q_K. */
  private keyFullQuiet = 1;
  /** q₀: q before the quota dropped, while trials look for its return to the peak. */
  private quietBeforeDrop: number | undefined;

  /** q. */
  get windows(): number {
    return this.quiet;
  }

  /** The quota dropped and may come back: trials look for its return. */
  get mayComeBack(): boolean {
    return this.quietBeforeDrop !== undefined;
  }

  /**
   * q, or while the key is reported full (`key`), q_K — undefined when a step to what the key holds
   * would gain less than half a call (one request) over the levels R̂ and T̂.
   */
  forKey(
    key: KeyLevel | undefined,
    level: { requests: number | undefined; tokens: number | undefined },
    call: number,
  ): number | undefined {
    if (key === undefined) return this.quiet;
    const { requests: r, tokens: t } = level;
    const gains =
      (r !== undefined && key.requests !== undefined && key.requests >= r + 1) ||
      (t !== undefined && key.tokens !== undefined && key.tokens - t > call / 2);
    return gains ? this.keyFullQuiet : undefined;
  }

  /** A reading that rests on an assumption. */
  uncertain(): void {
    this.quiet = 1;
  }

  /** The quota dropped below its peak: the next trial asks half a window later whether it is back. */
  dropped(): void {
    this.quietBeforeDrop ??= this.quiet;
    this.quiet = AFTER_DROP_QUIET_WINDOWS;
  }

  /** The quota is back at its peak (or the drop was none): trials go at their pace before it. */
  back(): void {
    if (this.quietBeforeDrop === undefined) return;
    this.quiet = this.quietBeforeDrop;
    this.quietBeforeDrop = undefined;
  }

  /** A request trial was kept: the next comes sooner. */
  kept(): void {
    this.quiet = Math.max(1, this.quiet / 2);
  }

  /** A trial failed. */
  failed(): void {
    this.quiet = Math.min(this.mayComeBack ? WHILE_DROPPED_QUIET_WINDOWS : MAX_QUIET_WINDOWS, this.quiet * 2);
  }

  /** A step tried while the key was reported full failed: such steps back off on their own. */
  keyFullFailed(): void {
    this.keyFullQuiet = Math.min(MAX_QUIET_WINDOWS, this.keyFullQuiet * 2);
  }

  /** A kept gain proved too high. */
  halved(): void {
    this.quiet = Math.min(MAX_QUIET_WINDOWS, this.quiet * 2);
  }
}
