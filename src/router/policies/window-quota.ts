import type { RateLimitQuota } from '../../errors.js';
import { CallLedger } from './call-ledger.js';
import { MAX_WINDOW_MS, WindowLength } from './window-length.js';

export { MAX_WINDOW_MS } from './window-length.js';

/**
 * Learns a provider's sliding-window quotas (requests and tokens per window Ŵ, window-length.ts)
 * from its 429s and lets each call start only when they have room for it — the pacing half of
 * the adaptive policy. Calls, their costs c and the estimates ĉ of calls out: call-ledger.ts.
 *
 *   count     a window-sized 429 at t for the quota it names (requests, or tokens; unnamed =
 *             requests), counted once the calls out at t have reported and the pause for its
 *             hint is over, over the admitted calls in (t − Ŵ, t]: n = their number, m = Σ c:
 *             R̂ ← n, T̂ ← m the first time (exact: the window began empty); after that
 *             R̂ ← min(R̂ − 1, n), T̂ ← min(T̂ − m/n, m) (a 429 while pacing to it: it was too high),
 *             but by two calls at most (a window that looks half empty is more likely sends that
 *             left later than stamped)
 *   gate      a call of estimate e may start at the first t′ ≥ now with, over (t′ − Ŵ, t′],
 *                 #admitted + #out + 1 ≤ R̂   and   Σ c + Σ ĉ(out) + k·e ≤ T̂
 *             (with R̂, T̂ unknown nothing is held; calls out that fill the window alone hold
 *             the gate until they report, or Ŵ at most)
 *   edge      a 429 for a call let go as a window hold ended (outside a trial): the call it waited
 *             for had not left yet — news about Ŵ (window-length.ts), not about the quota
 *   momentary any other 429 that is not window-sized: R̂ ← R̂ − 1, T̂ ← T̂ − m/n
 *   ceiling   every token 429 bounds T from above: U ← min(U, Σ c + Σ ĉ(out) + ĉ(refused))
 *   shorter Ŵ the window counted calls already gone: trial gains are dropped (R̂, T̂ ≤ last counts)
 *   trial     q windows without a 429, a window without a change, the gate holding calls (and,
 *             for tokens alone, U − T̂ above a tenth of a call): R̂ ← R̂ + 1, T̂ ← T̂ + (U − T̂)/2
 *             (or + m/n without a ceiling) — the quota may have grown, or been counted low. A 429
 *             within a window of the trial undoes it and doubles q (3, 6, … 48); a window without
 *             one keeps it, if the gate held calls at the trial level (else it proved nothing and
 *             is undone), and the next trial may follow a window later
 *
 * Pure: time comes in as arguments.
 */
const FIRST_QUIET_WINDOWS = 3;
const MAX_QUIET_WINDOWS = 48;

interface Trial {
  at: number;
  requests: number | undefined;
  tokens: number | undefined;
}

export class WindowQuota {
  private readonly ledger = new CallLedger();
  private readonly length: WindowLength;
  private firstStart: number | undefined;
  private requestQuota: number | undefined;
  private tokenQuota: number | undefined;
  private tokenCeiling = Number.POSITIVE_INFINITY;
  private pendingRefusal: { at: number; until: number; quota: RateLimitQuota } | undefined;
  private trial: Trial | undefined;
  private trialUndoneAt = Number.NEGATIVE_INFINITY;
  /** R̂ and T̂ as the last counts set them, before any trial. */
  private readonly counted: { requests?: number; tokens?: number } = {};
  private quietWindows = FIRST_QUIET_WINDOWS;
  private lastRefusalAt = Number.NEGATIVE_INFINITY;
  /** The last time R̂ or T̂ changed: a trial waits a window after any change. */
  private lastChangeAt = Number.NEGATIVE_INFINITY;
  private lastHeldAt = Number.NEGATIVE_INFINITY;
  /** When the last window hold openAt announced ends. */
  private holdUntil = Number.NEGATIVE_INFINITY;

  /** `windowMs` fixes Ŵ instead of learning it. */
  constructor(windowMs?: number) {
    this.length = new WindowLength(windowMs);
  }

  /** Ŵ, once learnt. */
  get windowMs(): number | undefined {
    return this.length.ms;
  }

  /** R̂, once learnt. */
  get requests(): number | undefined {
    return this.requestQuota;
  }

  /** T̂ in reported tokens (input + output), once learnt. */
  get tokens(): number | undefined {
    return this.tokenQuota;
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
   * be the window's (not a momentary cap); `quota`: which quota the provider named. Returns
   * 'window_edge' when it was news about the window's length (window-length.ts), not the quota.
   */
  refused(
    now: number,
    retryAfterMs: number,
    windowFull: boolean,
    quota: RateLimitQuota = 'requests',
    startedAt?: number,
  ): 'window_edge' | undefined {
    const call = this.ledger.finished(startedAt);
    if (call?.edge === true && this.trial === undefined) {
      this.length.refusedAtEdge(retryAfterMs);
      return 'window_edge';
    }
    this.lastRefusalAt = now;
    const w = this.length.ms;
    if (windowFull) {
      const oldest =
        w === undefined ? this.firstStart : this.ledger.admitted[this.ledger.firstAfter(now - w)]?.start;
      if (oldest !== undefined) this.length.refusedFull(now, retryAfterMs, oldest);
    }
    const shorter = w !== undefined && (this.length.ms ?? w) < w;
    if (quota === 'tokens' && this.length.ms !== undefined) {
      const asked = (call?.estimate ?? 0) * this.ledger.costPerEstimate;
      this.tokenCeiling = Math.min(this.tokenCeiling, this.ledger.held(now, this.length.ms) + asked);
    }
    const undone = this.undoTrial(now, call?.start ?? startedAt ?? now);
    if (shorter) this.forgetTrialGains();
    if (undone) return undefined;
    if (windowFull) this.pendingRefusal = { at: now, until: now + retryAfterMs, quota };
    else this.shrink(quota);
    return undefined;
  }

  /** The earliest time a call of `estimate` prompt tokens may start without passing R̂ or T̂. */
  openAt(now: number, estimate: number): number {
    this.settle(now);
    const w = this.length.ms;
    if (w === undefined || (this.requestQuota === undefined && this.tokenQuota === undefined)) return now;
    const { admitted, out } = this.ledger;
    const first = this.ledger.firstAfter(now - w);
    const used = admitted.length - first;
    // How many of the oldest admitted calls must leave the window first.
    let leave = 0;
    if (this.requestQuota !== undefined) leave = used + out.length + 1 - this.requestQuota;
    if (this.tokenQuota !== undefined) {
      let excess = this.ledger.held(now, w) + estimate * this.ledger.costPerEstimate - this.tokenQuota;
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

  /**
   * Ŵ just got shorter: the window counted calls the provider had already let go, so trials kept
   * under the longer Ŵ proved less than they seemed. Back to the quotas last counted.
   */
  private forgetTrialGains(): void {
    const { counted } = this;
    if (counted.requests !== undefined && this.requestQuota !== undefined)
      this.requestQuota = Math.min(this.requestQuota, counted.requests);
    if (counted.tokens !== undefined && this.tokenQuota !== undefined)
      this.tokenQuota = Math.min(this.tokenQuota, counted.tokens);
  }

  /** A 429 within a window of a trial (or for a call sent before it was undone): undo it. */
  private undoTrial(now: number, sent: number): boolean {
    if (sent <= this.trialUndoneAt) return true;
    const trial = this.trial;
    const w = this.length.ms;
    if (trial === undefined || w === undefined || now - trial.at >= w) return false;
    this.requestQuota = trial.requests;
    this.tokenQuota = trial.tokens;
    this.trial = undefined;
    this.trialUndoneAt = now;
    this.lastChangeAt = now;
    this.quietWindows = Math.min(MAX_QUIET_WINDOWS, this.quietWindows * 2);
    return true;
  }

  /** A momentary 429 the estimate did not foresee: one call less (never below one call). */
  private shrink(quota: RateLimitQuota): void {
    if (quota === 'requests') {
      if (this.requestQuota !== undefined) this.requestQuota = Math.max(1, this.requestQuota - 1);
      return;
    }
    const call = this.ledger.meanCost();
    if (this.tokenQuota !== undefined) this.tokenQuota = Math.max(call, this.tokenQuota - call);
  }

  private settle(now: number): void {
    const w = this.length.ms ?? MAX_WINDOW_MS;
    // Keep two windows, and whatever a pending count still needs.
    this.ledger.prune(Math.min(now - 2 * w, (this.pendingRefusal?.at ?? now) - w));
    this.countRefusal(now);
    const trial = this.trial;
    if (trial !== undefined && now - trial.at >= w) {
      // A window at the trial level without a 429 keeps it — if the gate held calls at that level;
      // a window that never filled to it proved nothing, so it goes back.
      if (this.lastHeldAt <= trial.at) {
        this.requestQuota = trial.requests;
        this.tokenQuota = trial.tokens;
      }
      this.trial = undefined;
    }
    if (
      this.length.ms !== undefined &&
      now - this.lastHeldAt < w &&
      this.trial === undefined &&
      now - this.lastRefusalAt >= this.quietWindows * w &&
      now - this.lastChangeAt >= w &&
      this.worthTrying()
    ) {
      this.startTrial(now);
    }
  }

  /** A request quota can always grow; a token quota, while the ceiling leaves a tenth of a call. */
  private worthTrying(): boolean {
    if (this.requestQuota !== undefined || this.tokenQuota === undefined) return true;
    return this.tokenCeiling - this.tokenQuota > this.ledger.meanCost() / 10;
  }

  private startTrial(now: number): void {
    this.trial = { at: now, requests: this.requestQuota, tokens: this.tokenQuota };
    if (this.requestQuota !== undefined) this.requestQuota += 1;
    if (this.tokenQuota !== undefined) {
      const gap = this.tokenCeiling - this.tokenQuota;
      this.tokenQuota += Number.isFinite(gap) && gap > 0 ? gap / 2 : this.ledger.meanCost();
    }
    this.lastChangeAt = now;
  }

  /** Counts the window of the last window-sized 429, once everything it held has reported. */
  private countRefusal(now: number): void {
    const refusal = this.pendingRefusal;
    const w = this.length.ms;
    if (refusal === undefined || now < refusal.until || w === undefined) return;
    if (this.ledger.out.some((call) => call.start <= refusal.at)) return;
    this.pendingRefusal = undefined;
    const counted = this.ledger.between(refusal.at - w, refusal.at);
    const n = counted.length;
    const m = counted.reduce((sum, a) => sum + a.cost, 0);
    // Without reported tokens a token quota cannot be counted: pace the requests it allowed.
    const quota = refusal.quota === 'tokens' && m > 0 ? 'tokens' : 'requests';
    // After the first count, a 429 while pacing means the quota was too high: at least one call
    // less, at most two (a window that looks half empty is more likely sends that left late).
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
    this.lastChangeAt = now;
  }
}
