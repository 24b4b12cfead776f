import type { KeyLevel, QuotaEstimates } from './quota-estimates.js';
import { StaleCeiling } from './stale-ceiling.js';
import { MAX_WINDOW_MS } from './window-length.js';

/**
 * When the next trial of the quota goes (quota-estimates.ts says what it tries: back to the peak,
 * one step up, or a bucket's rate half again). Over the window Ŵ:
 *
 *   due     q quiet windows after the last 429 and min(1, q) after the last change, the gate
 *           having held calls within the last window; while the provider reports the key full,
 *           on the steps' own q (quota-estimates.ts, "key full")
 *   stale   none worth its 429 — a token ceiling within half a call of T̂, a bucket's rate read as
 *           exact: after max(q, s) quiet windows and a window after the last change, one goes past
 *           it (stale-ceiling.ts) — unless the provider reports its limits (a growth shows there)
 *   up to   full or not, no trial goes higher than what the readings show the key holds (K̄)
 *
 * Pure: time comes in as arguments.
 */
export class TrialSchedule {
  /** When a ceiling that bars the trials is stale. */
  private readonly stale = new StaleCeiling();
  private lastRefusalAt = Number.NEGATIVE_INFINITY;
  private lastHeldAt = Number.NEGATIVE_INFINITY;
  /** The provider reports its limits with its answers (OpenAI's headers). */
  private limitsReported = false;
  /** What the provider's readings show the key holds for us, full or not: no trial goes past it. */
  private keyCap: KeyLevel | undefined;
  /** What the provider's readings show the key holds for us, while no more than the level (window-pacer.ts). */
  private keyHolds: KeyLevel | undefined;

  constructor(private readonly quota: QuotaEstimates) {}

  /** The provider reports its limits with its answers: a growth shows there, and no trial need find it. */
  reportsLimits(): void {
    this.limitsReported = true;
  }

  /** K̄, full or not: no trial goes past it. */
  keyShows(holds: KeyLevel | undefined): void {
    this.keyCap = holds;
  }

  /** K̄ while no more than the level and a call (undefined when it shows more). */
  keyFull(holds: KeyLevel | undefined): void {
    this.keyHolds = holds;
  }

  /** A 429 came at `now`. */
  refused(now: number): void {
    this.lastRefusalAt = now;
  }

  /** A trial ran into a 429; `rate`: it tried a bucket's rate. */
  trialRefused(rate: boolean): void {
    this.stale.trialRefused(rate);
  }

  /** The gate held a call at `now`. */
  held(now: number): void {
    this.lastHeldAt = now;
  }

  /**
   * When the next trial may start, over a window of `w`, calls costing `call` on average, a
   * bucket's rate grown by `growth`: undefined while one runs, or none is worth its 429.
   */
  dueAt(w: number | undefined, call: number, growth: number | undefined): number | undefined {
    const { quota } = this;
    if (w === undefined || quota.trialRunning) return undefined;
    const q = quota.quietWindowsFor(growth === undefined ? this.keyHolds : undefined, call);
    if (q === undefined) return undefined;
    if (!quota.worthTrying(call, growth)) {
      // A ceiling is what the quota was when its 429 came: long quiet, a trial past it asks
      // whether the quota grew (the key's other user stopped) — one 429 a long while if not.
      // A provider that reports its limits says when they grow (quotaGrew): no 429 needed.
      if (this.limitsReported || (growth === undefined && quota.tokens === undefined)) return undefined;
      return Math.max(this.lastRefusalAt + Math.max(q, this.stale.quietWindows) * w, quota.lastChangeAt + w);
    }
    return Math.max(this.lastRefusalAt + q * w, quota.lastChangeAt + Math.min(1, q) * w);
  }

  /**
   * Settles the running trial at `now`, and starts the next one if it is due (as `dueAt`) and
   * `mayStart` (no trial of the window's length wants the 429s to itself).
   */
  settle(
    now: number,
    windowMs: number | undefined,
    call: number,
    growth: number | undefined,
    mayStart = true,
  ): void {
    const { quota } = this;
    const w = windowMs ?? MAX_WINDOW_MS;
    // A window at the trial level without a 429 keeps it — if the gate held calls at that level;
    // a window that never filled to it proved nothing, so it goes back.
    quota.settleTrial(now, w, this.lastHeldAt);
    if (!mayStart) return;
    const due = this.dueAt(windowMs, call, growth);
    if (due !== undefined && now >= due && now - this.lastHeldAt < w) {
      // Due though none is worth its 429: the ceiling that barred them has gone stale.
      const stale = !quota.worthTrying(call, growth);
      this.stale.trialStarted(stale);
      quota.startTrial(now, call, growth, this.keyHolds, { upTo: this.keyCap, stale });
    }
  }
}
