import type { CallOutcome, LearntQuota, LimitBounds } from './concurrency-policy.js';
import { clamp, type ConcurrencyPolicy } from './concurrency-policy.js';
import { ADAPTIVE_TUNING, type AdaptiveTuning } from './adaptive-tuning.js';
import { LatencyGradient } from './latency-gradient.js';
import { WindowQuota } from './window-quota.js';

export { ADAPTIVE_TUNING, type AdaptiveTuning } from './adaptive-tuning.js';

const MAX_PROBE_FACTOR = 64;
/** Round trip assumed before any call has succeeded. */
const DEFAULT_RTT_MS = 1_000;

/**
 * Finds an unknown provider quota quickly, then holds just under it (in the family of TCP's
 * congestion control and Netflix concurrency-limits: AIMD with slow start and a latency gradient,
 * plus pacing against the provider's sliding window).
 *
 *   slow start    until the first congestion signal, every success: target ← target + 1
 *                 (the limit doubles per round trip)
 *   window 429    (retryAfter > 2 round trips: a window quota, not a momentary cap) once pacing
 *                 has learnt the window from it: pause until now + retryAfter; target and ceiling
 *                 stay — a per-minute quota is a rate, which pacing meters, not a concurrency
 *   edge 429      a momentary 429 for a call pacing let go at the window's edge: news about the
 *                 window's length only (window-quota.ts); no pause, no decrease
 *   429           ceiling ← limit, target ← max(min, ⌊limit · β⌋)          β = 0.7
 *                 — or, if limit ≥ the remembered ceiling (a failed probe): target ← ceiling − 1
 *                 and the next probe waits 4× longer
 *                 and in any case: pause until now + retryAfter (≤ 1 min)
 *   long hint     without pacing (or before it knows the window): restart at ramp = 2 after the
 *                 pause (the refused call, which keeps its slot until it retries, and one new
 *                 call; +1 for each other call of the burst refused), ramp ← ramp + 1 per success
 *                 up to target; a 429 while ramping only pauses and restarts the ramp
 *   5xx, timeout  target ← max(min, target · γ)                               γ = 0.9
 *   avoidance     target ← target + 1 per ⌊target⌋ successes while target < ceiling − 1, and per
 *                 k·⌊target⌋ at ceiling − 1 (a rare probe, k = 4); a probe that holds for a
 *                 whole period lifts the ceiling
 *   gradient      g = short / long latency EWMA (α 0.3 / 0.05):  g > τ ⇒ no growth;
 *                 g > τ₂ ⇒ target ← target · γ  (queueing at the provider)    τ = 1.5, τ₂ = 2
 *   pacing        learns the window Ŵ (or takes the minute a 429 names, `minuteMs` long on this
 *                 clock) and its quotas R̂ (requests) and T̂ (tokens) from window-sized 429s, and
 *                 lets each call start only when the window has room for it, its size estimated
 *                 from its prompt (window-quota.ts)
 *   limit         clamp(min(⌊target⌋, ramp), min, max);  pausedUntil = pause
 *   openAt(e)     max(pause, the pacing gate for a call of e prompt tokens)
 *
 * A 429 (or a success, or a 5xx) from a call started before the last decrease is old news about a
 * level already left: it extends the pause but changes nothing else, so one burst costs one
 * step, not ten. Calls carry `startedAt` when the caller knows it; otherwise anything arriving
 * during the pause or within one round trip of the decrease counts as old.
 *
 * Why pause and pacing: with a per-minute quota the window frees capacity at the pace calls were
 * sent a window earlier, and the 429's hint says when the next of it frees. Waiting out the hint
 * loses no capacity, and once the quotas are known, starting each call only when the window has
 * room for it stops the one-429-per-window that "burst until refused" would otherwise pay for
 * ever. The limit alone cannot do this: at 60 requests/min and 1 s calls the right concurrency is
 * "about one", and 1 vs 2 is a factor of two; and with a token quota the right number of calls
 * depends on their sizes.
 */
export class AdaptivePolicy implements ConcurrencyPolicy {
  private target: number;
  /** While defined, the limit after a pause: grows by one per success until it meets the target. */
  private ramp: number | undefined;
  /** The level of the last 429; the target holds at ceiling − 1 and probes it only slowly. */
  private ceiling: number | undefined;
  private probeFactor: number;
  private slowStart = true;
  private successes = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private pause = 0;
  private readonly window: WindowQuota;
  private readonly latency = new LatencyGradient();

  constructor(
    private readonly bounds: LimitBounds,
    _now: number,
    private readonly tuning: AdaptiveTuning = ADAPTIVE_TUNING,
    minuteMs = 60_000,
  ) {
    this.window = new WindowQuota(undefined, minuteMs);
    this.target = bounds.initial;
    this.probeFactor = tuning.probeSlowdown;
  }

  get limit(): number {
    const wanted = Math.min(Math.floor(this.target), this.ramp ?? Number.POSITIVE_INFINITY);
    return clamp(wanted, this.bounds.min, this.bounds.max);
  }

  get pausedUntil(): number {
    return this.pause;
  }

  /** What pacing has learnt of the provider's quotas (window, requests and tokens per window). */
  get learntQuota(): LearntQuota {
    const { windowMs, requests, tokens } = this.window;
    const quota: LearntQuota = {};
    if (windowMs !== undefined) quota.windowMs = windowMs;
    if (requests !== undefined) quota.requests = requests;
    if (tokens !== undefined) quota.tokens = Math.round(tokens);
    return quota;
  }

  openAt(now: number, tokens: number): number {
    return Math.max(this.pause, this.tuning.pacing ? this.window.openAt(now, tokens) : now);
  }

  started(now: number, tokens: number): void {
    if (this.tuning.pacing) this.window.started(now, tokens);
  }

  record(outcome: CallOutcome, now: number): string | undefined {
    const oldNews = this.isOldNews(outcome.startedAt, now);
    switch (outcome.kind) {
      case 'success': {
        const reason = this.onSuccess(outcome.latencyMs, oldNews, now);
        if (this.tuning.pacing) {
          const { inputTokens, outputTokens } = outcome;
          const cost =
            inputTokens === undefined && outputTokens === undefined
              ? undefined
              : (inputTokens ?? 0) + (outputTokens ?? 0);
          this.window.admitted(outcome.startedAt ?? now - outcome.latencyMs, now, cost);
        }
        return reason;
      }
      case 'rate_limited':
        return this.onRateLimited(outcome, oldNews, now);
      case 'overloaded':
      case 'timeout':
        this.window.finished(outcome.startedAt);
        return oldNews
          ? undefined
          : this.decrease(this.target * this.tuning.overloadRatio, now, outcome.kind);
      case 'failure':
      case 'cancelled':
        this.window.finished(outcome.startedAt);
        return undefined;
    }
  }

  tick(): string | undefined {
    return undefined;
  }

  nextTickAt(): number | undefined {
    return undefined;
  }

  private isOldNews(startedAt: number | undefined, now: number): boolean {
    if (startedAt !== undefined) return startedAt < this.lastDecreaseAt;
    return now < this.pause || now < this.lastDecreaseAt + (this.latency.shortMs ?? DEFAULT_RTT_MS);
  }

  private onRateLimited(
    outcome: Extract<CallOutcome, { kind: 'rate_limited' }>,
    oldNews: boolean,
    now: number,
  ): string | undefined {
    const { retryAfterMs, quota, quotaPer, startedAt } = outcome;
    const hint =
      retryAfterMs !== undefined && retryAfterMs > 0 ? Math.min(retryAfterMs, this.tuning.maxPauseMs) : 0;
    const rtt = this.latency.shortMs ?? DEFAULT_RTT_MS;
    const windowSized = hint > 2 * rtt;
    if (!this.tuning.pacing) this.window.finished(startedAt);
    else if (this.window.refused(now, hint, windowSized, quota, startedAt, quotaPer) === 'window_edge') {
      // A call let go at the window's edge a moment too early (our send lagged the provider's
      // clock): pacing lengthened its window; this call waits for its own hint, nothing else need.
      return undefined;
    }
    this.pause = Math.max(this.pause, now + hint);
    // A window quota pacing knows: the pause and the gate answer it, the limit need not.
    if (this.tuning.pacing && windowSized && this.window.windowMs !== undefined) return undefined;
    // A refused call keeps its slot while it waits to retry: the ramp counts it, so that one new
    // call, not none, may start when the pause ends.
    if (oldNews) {
      if (this.ramp === undefined) return undefined;
      this.ramp += 1;
      return 'ramp_holds_retry';
    }
    if (this.ramp !== undefined) {
      // Refused while ramping up after a pause: the window has not freed these slots yet. That is
      // news about when, not about how many, so restart the ramp and leave target and ceiling be.
      this.lastDecreaseAt = now;
      this.ramp = 2;
      return 'ramp_restart';
    }
    const level = this.limit;
    let next: number;
    if (this.ceiling !== undefined && level >= this.ceiling) {
      // A probe of the remembered ceiling failed: ceiling − 1 is known to hold, so go straight
      // back there, and wait four times as long before the next probe.
      next = this.ceiling - 1;
      this.probeFactor = Math.min(MAX_PROBE_FACTOR, this.probeFactor * 4);
    } else {
      this.ceiling = level;
      this.probeFactor = this.tuning.probeSlowdown;
      next = level * this.tuning.rateLimitRatio;
    }
    const reason = this.decrease(next, now, 'rate_limit_error_429');
    // A long wait means a window quota: restart small so the freed slots are not met by a burst.
    // A wait within a round trip is a concurrency cap, where the decreased target is the answer.
    this.ramp = windowSized
      ? 1 + Math.max(1, Math.floor(Math.floor(this.target) * this.tuning.rampRatio))
      : undefined;
    return reason;
  }

  private decrease(to: number, now: number, reason: string): string {
    this.slowStart = false;
    this.successes = 0;
    this.lastDecreaseAt = now;
    this.target = clamp(Math.floor(to), this.bounds.min, this.bounds.max);
    return reason;
  }

  private onSuccess(latencyMs: number, oldNews: boolean, now: number): string | undefined {
    const gradient = this.latency.observe(latencyMs);
    // A call sent before the last decrease succeeded at a level already left: it says nothing
    // about the new one, and letting it grow the ramp would undo the pause's spreading.
    if (oldNews) return undefined;
    if (this.ramp !== undefined) {
      this.ramp += 1;
      if (this.ramp >= Math.floor(this.target)) this.ramp = undefined;
      return 'ramp_after_pause';
    }
    if (gradient > this.tuning.latencyOverload) {
      return this.decrease(this.target * this.tuning.overloadRatio, now, 'latency_gradient');
    }
    if (gradient > this.tuning.latencyTolerance || this.target >= this.bounds.max) return undefined;
    if (this.slowStart) {
      this.target += 1;
      return 'slow_start';
    }
    return this.additiveIncrease();
  }

  private additiveIncrease(): string | undefined {
    const level = Math.floor(this.target);
    const hold = this.ceiling === undefined ? Number.POSITIVE_INFINITY : this.ceiling - 1;
    this.successes += 1;
    if (this.successes < (level < hold ? level : level * this.probeFactor)) return undefined;
    this.successes = 0;
    this.target = level + 1;
    if (level < hold) return 'additive_increase';
    if (this.ceiling !== undefined && level >= this.ceiling) {
      // The ceiling held for a whole probe period: the quota has grown, forget it.
      this.ceiling = undefined;
      this.probeFactor = this.tuning.probeSlowdown;
      return 'ceiling_lifted';
    }
    return 'probe_ceiling';
  }
}
