import type { RateLimitQuota } from '../../model/errors.js';
import { CallLedger, type CallOut } from './call-ledger.js';
import { QuotaEstimates } from './quota-estimates.js';
import { MAX_WINDOW_MS, WindowLength } from './window-length.js';

export { MAX_WINDOW_MS } from './window-length.js';

/**
 * Learns a provider's sliding-window quotas (requests and tokens per window Ŵ, window-length.ts)
 * from its 429s and lets each call start only when they have room for it — the pacing half of
 * the adaptive policy. Calls, their costs c and the estimates ĉ of calls out: call-ledger.ts; how
 * R̂, T̂ and the ceiling U move under each rule below: quota-estimates.ts.
 *
 *   count     a window-sized 429 at t for the quota it names (requests, or tokens; unnamed =
 *             requests), counted once the calls out at t have reported and the pause for its
 *             hint is over, over the admitted calls in (t − Ŵ, t]: n = their number, m = Σ c;
 *             after the first count lowered by two calls at most (a window that looks half empty
 *             is more likely sends that left later than stamped)
 *   gate      a call of estimate e may start at the first t′ ≥ now with, over (t′ − Ŵ, t′],
 *                 #admitted + #out + 1 ≤ R̂   and   Σ c + Σ ĉ(out) + k·e ≤ T̂
 *             (with R̂, T̂ unknown nothing is held; calls out that fill the window alone hold
 *             the gate until they report, or Ŵ at most)
 *   edge      a 429 for a call let go as a window hold ended (outside a trial): the call it waited
 *             for had not left yet — news about Ŵ (window-length.ts), not about the quota; but
 *             when the provider named the window's unit (Ŵ documented) and a trial's gain was
 *             kept, news that the gain was too much: it is halved
 *   momentary any other 429 that is not window-sized: one call less
 *   ceiling   every token 429 bounds T from above: U ← min(U, Σ c + Σ ĉ(out) + ĉ(refused))
 *   shorter Ŵ the window counted calls already gone: trial gains are dropped (R̂, T̂ ≤ last counts)
 *   trial     q windows without a 429, a window without a change, the gate holding calls, and a
 *             gain worth a 429: R̂ + 1, T̂ half way to U — the quota may have grown, or been
 *             counted low. A 429 within a window of the trial undoes it and doubles q (3, 6, …
 *             48); a window without one keeps it, if the gate held calls at the trial level (else
 *             it proved nothing and is undone), and the next trial may follow a window later
 *
 * Pure: time comes in as arguments.
 */
export class WindowQuota {
  private readonly ledger = new CallLedger();
  private readonly length: WindowLength;
  private readonly quota = new QuotaEstimates();
  private firstStart: number | undefined;
  private pendingRefusal: { at: number; until: number; quota: RateLimitQuota } | undefined;
  private lastRefusalAt = Number.NEGATIVE_INFINITY;
  private lastHeldAt = Number.NEGATIVE_INFINITY;
  /** When the last window hold openAt announced ends. */
  private holdUntil = Number.NEGATIVE_INFINITY;

  /**
   * `windowMs` fixes Ŵ instead of learning it; `minuteMs` is how long a minute lasts on the
   * caller's clock (60 000, less when a bench shrinks time), for 429s that name a per-minute quota.
   */
  constructor(
    windowMs?: number,
    private readonly minuteMs = 60_000,
  ) {
    this.length = new WindowLength(windowMs);
  }

  /** Ŵ, once known. */
  get windowMs(): number | undefined {
    return this.length.ms;
  }

  /** R̂, once learnt. */
  get requests(): number | undefined {
    return this.quota.requests;
  }

  /** T̂ in reported tokens (input + output), once learnt. */
  get tokens(): number | undefined {
    return this.quota.tokens;
  }

  /** k: reported tokens per estimated prompt token (1 until a call with both has been answered). */
  get costPerEstimatedToken(): number {
    return this.ledger.costPerEstimate;
  }

  /** A call whose prompt the caller estimated at `estimate` tokens starts now. */
  started(now: number, estimate: number): void {
    const edge = now >= this.holdUntil && now - this.holdUntil <= this.length.edgeMs;
    this.ledger.started({ start: now, estimate: Math.max(0, estimate), edge });
  }

  /** The call started at `startedAt` was answered: the provider counted it, `cost` tokens if known. */
  admitted(startedAt: number, now: number, cost?: number): void {
    this.ledger.admit(startedAt, cost);
    this.firstStart = Math.min(this.firstStart ?? startedAt, startedAt);
    this.settle(now);
  }

  /** The call started at `startedAt` ended without being counted (failed, abandoned). */
  finished(startedAt: number | undefined): void {
    this.ledger.finished(startedAt);
  }

  /**
   * A 429 at `now` for the call started at `startedAt`. `windowFull`: its hint was long enough to
   * be the window's (not a momentary cap); `quota`: which quota the provider named; `per`: the
   * quota's unit of time, when the provider named it. Returns 'window_edge' when it was news
   * about the window's length (window-length.ts), not the quota.
   */
  refused(
    now: number,
    retryAfterMs: number,
    windowFull: boolean,
    quota: RateLimitQuota = 'requests',
    startedAt?: number,
    per?: 'minute',
  ): 'window_edge' | undefined {
    const call = this.ledger.finished(startedAt);
    if (call?.edge === true && !this.quota.trialRunning) {
      if (this.length.isNamed && this.quota.aboveCounts()) {
        // The window's length is documented, and a trial's gain was kept: the quota, not the
        // window, was set too high.
        this.lowerCeiling(now, quota, call);
        this.quota.halveTrialGains(now);
        this.lastRefusalAt = now;
      } else this.length.refusedAtEdge(retryAfterMs);
      return 'window_edge';
    }
    this.lastRefusalAt = now;
    if (windowFull && per === 'minute') this.length.named(this.minuteMs);
    const w = this.length.ms;
    if (windowFull) {
      const oldest =
        w === undefined ? this.firstStart : this.ledger.admitted[this.ledger.firstAfter(now - w)]?.start;
      if (oldest !== undefined) this.length.refusedFull(now, retryAfterMs, oldest);
    }
    const shorter = w !== undefined && (this.length.ms ?? w) < w;
    this.lowerCeiling(now, quota, call);
    const undone = this.quota.undoTrial(now, call?.start ?? startedAt ?? now, this.length.ms);
    if (shorter) this.quota.forgetTrialGains();
    if (undone) return undefined;
    if (windowFull) this.pendingRefusal = { at: now, until: now + retryAfterMs, quota };
    else this.quota.shrink(quota, this.ledger.meanCost());
    return undefined;
  }

  /** The earliest time a call of `estimate` prompt tokens may start without passing R̂ or T̂. */
  openAt(now: number, estimate: number): number {
    this.settle(now);
    const w = this.length.ms;
    const { requests, tokens } = this.quota;
    if (w === undefined || (requests === undefined && tokens === undefined)) return now;
    const { admitted, out } = this.ledger;
    const first = this.ledger.firstAfter(now - w);
    const used = admitted.length - first;
    // How many of the oldest admitted calls must leave the window first.
    let leave = 0;
    if (requests !== undefined) leave = used + out.length + 1 - requests;
    if (tokens !== undefined) {
      let excess = this.ledger.held(now, w) + estimate * this.ledger.costPerEstimate - tokens;
      let n = 0;
      while (excess > 0 && n < used) {
        excess -= admitted[first + n]?.cost ?? 0;
        n += 1;
      }
      leave = Math.max(leave, excess > 0 ? used + 1 : n);
    }
    if (leave <= 0) return now;
    this.lastHeldAt = now;
    if (leave > used) {
      // The calls out fill the window by themselves: wait for them to report (Ŵ at most), or,
      // with none out, for the window to empty (a call larger than the estimate goes alone).
      if (out.length > 0) return now + w;
      return used > 0 ? (admitted[admitted.length - 1]?.start ?? now) + w : now;
    }
    this.holdUntil = (admitted[first + leave - 1]?.start ?? now) + w;
    return this.holdUntil;
  }

  /** Every token 429 bounds T from above: what the window held, plus the refused call. */
  private lowerCeiling(now: number, quota: RateLimitQuota, call: CallOut | undefined): void {
    const w = this.length.ms;
    if (quota !== 'tokens' || w === undefined) return;
    const asked = (call?.estimate ?? 0) * this.ledger.costPerEstimate;
    this.quota.lowerCeiling(this.ledger.held(now, w) + asked);
  }

  private settle(now: number): void {
    const w = this.length.ms ?? MAX_WINDOW_MS;
    // Keep two windows, and whatever a pending count still needs.
    this.ledger.prune(Math.min(now - 2 * w, (this.pendingRefusal?.at ?? now) - w));
    this.countRefusal(now);
    // A window at the trial level without a 429 keeps it — if the gate held calls at that level;
    // a window that never filled to it proved nothing, so it goes back.
    this.quota.settleTrial(now, w, this.lastHeldAt);
    const { quota } = this;
    if (
      this.length.ms !== undefined &&
      now - this.lastHeldAt < w &&
      !quota.trialRunning &&
      now - this.lastRefusalAt >= quota.quietWindows * w &&
      now - quota.lastChangeAt >= w &&
      quota.worthTrying(this.ledger.meanCost())
    ) {
      quota.startTrial(now, this.ledger.meanCost());
    }
  }

  /** Counts the window of the last window-sized 429, once everything it held has reported. */
  private countRefusal(now: number): void {
    const refusal = this.pendingRefusal;
    const w = this.length.ms;
    if (refusal === undefined || now < refusal.until || w === undefined) return;
    if (this.ledger.out.some((call) => call.start <= refusal.at)) return;
    this.pendingRefusal = undefined;
    const counted = this.ledger.between(refusal.at - w, refusal.at);
    const m = counted.reduce((sum, a) => sum + a.cost, 0);
    // Without reported tokens a token quota cannot be counted: pace the requests it allowed.
    this.quota.count(refusal.quota === 'tokens' && m > 0 ? 'tokens' : 'requests', counted.length, m, now);
  }
}
