/**
 * A window learnt from hints rounded up (Confluence's Retry-After: whole seconds) reads long by up
 * to the rounding, and pacing at it shows nothing shorter. W lies in (L, Ŵ] (window-length.ts,
 * "floor"); while the gap is worth a 429, the window is tried shorter, by halves:
 *
 *   due     Ŵ − L > Ŵ/20, the gate holding calls, no 429 for 2Ŵ, no trial of the quota running
 *   try     Ŵ ← (L + Ŵ) / 2, the old Ŵ kept
 *   kept    3 tried windows with no 429, the gate holding calls in the last: the tried Ŵ stays
 *   failed  any 429 while it runs: Ŵ ← the old, L ← the tried (the 429 is news of timing alone);
 *           so is a later 429 for a call the trial let go (sent while it ran): nothing changes
 *   dropped no call held in its last window: too little load to tell; Ŵ ← the old, L as it was
 *
 * Halving the gap, a 1 s window read as 2 s is found within a twentieth in about five trials, two
 * or three of which cost a 429. Pure: time comes in as arguments.
 */
import type { WindowLength } from './window-length.js';

/** Tried while the window may be shorter by more than this share of it. */
const GAP_SHARE = 1 / 20;
/** A trial is kept after this many of its windows without a 429. */
const KEPT_AFTER = 3;
/** Windows without a 429 before a trial goes. */
const QUIET = 2;

export class WindowTrial {
  private trial: { before: number; tried: number; at: number } | undefined;
  /** When the last trial that failed ran: its other calls' 429s are its own. */
  private failed: { from: number; to: number } | undefined;
  private lastRefusalAt = Number.NEGATIVE_INFINITY;
  private lastHeldAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly length: WindowLength) {}

  /**
   * A trial runs, or the window may be shorter by more than the gap a trial is worth: the quota's
   * own trials wait, as a 429 could not tell which of the two was wrong.
   */
  get unsettled(): boolean {
    const w = this.length.ms;
    const floor = this.length.floorMs;
    if (this.trial !== undefined) return true;
    return w !== undefined && floor !== undefined && w - floor > w * GAP_SHARE;
  }

  /** The gate held a call at `now` (the window binds). */
  held(now: number): void {
    this.lastHeldAt = now;
  }

  /**
   * Keeps or drops a trial whose windows have passed, then starts one when due (`quotaTrial`: a
   * trial of the quota runs, and a 429 could not tell the two apart). True when Ŵ changed.
   */
  settle(now: number, quotaTrial: boolean): boolean {
    const trial = this.trial;
    if (trial !== undefined) {
      if (now < trial.at + KEPT_AFTER * trial.tried) return false;
      this.trial = undefined;
      if (this.lastHeldAt >= now - trial.tried) return false;
      this.length.tryLength(trial.before);
      return true;
    }
    const w = this.length.ms;
    const floor = this.length.floorMs;
    if (!this.unsettled || w === undefined || floor === undefined || quotaTrial) return false;
    if (now - this.lastRefusalAt < QUIET * w || this.lastHeldAt < now) return false;
    const tried = (floor + w) / 2;
    this.trial = { before: w, tried, at: now };
    this.length.tryLength(tried);
    return true;
  }

  /**
   * A 429 came at `now` for a call sent at `sent`: true when it failed a trial (Ŵ is back to what
   * it was), or came for a call a failed trial let go.
   */
  refused(now: number, sent: number): boolean {
    this.lastRefusalAt = now;
    const trial = this.trial;
    if (trial === undefined) {
      const failed = this.failed;
      return failed !== undefined && sent >= failed.from && sent <= failed.to;
    }
    this.trial = undefined;
    this.failed = { from: trial.at, to: now };
    this.length.tryLength(trial.before);
    this.length.raiseFloor(trial.tried);
    return true;
  }
}
