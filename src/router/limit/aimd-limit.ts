import { AIMD_TUNING, type AimdTuning } from './aimd-tuning.js';
import { LatencyGradient } from './latency-gradient.js';
import { clamp, type Limit, type LimitBounds, type LimitSample } from './limit.js';

const MAX_PROBE_FACTOR = 64;
/** Round trip assumed before any call has succeeded. */
const DEFAULT_RTT_MS = 1_000;

/**
 * Finds how many calls a provider takes at once, then holds just under it (TCP's congestion
 * control and Netflix's AIMDLimit/Gradient2Limit: additive increase, multiplicative decrease, slow
 * start and a latency gradient). 429s the pacer meters never reach it.
 *
 *   slow start    until the first drop or the second overload, every success: target ← target + 1
 *                 (×2 per round trip)
 *   drop          ceiling ← limit, target ← max(min, ⌊limit · β⌋)                     β = 0.7
 *                 — or, if limit ≥ the remembered ceiling (a failed probe): target ← ceiling − 1
 *                 and the next probe waits 4× longer
 *   long drop     (a window-sized wait) restart at ramp = 2 (the refused call, which keeps its slot
 *                 until it retries, and one new call; +1 for each other call of the burst
 *                 refused), ramp ← ramp + 1 per success up to target; a drop while ramping
 *                 restarts the ramp and leaves target and ceiling be
 *   overload      target ← max(min, target · γ); the first in slow start changes nothing  γ = 0.9
 *   avoidance     target ← target + 1 per ⌊target⌋ successes while target < ceiling − 1, and per
 *                 k·⌊target⌋ at ceiling − 1 (a rare probe, k = 4); a probe that holds for a
 *                 whole period lifts the ceiling
 *   gradient      g = short / long latency EWMA, among calls of one size class
 *                 (latency-gradient.ts):  g > τ ⇒ no growth;  g > τ₂ ⇒ target ← target · γ
 *                 (queueing at the provider)                                    τ = 1.5, τ₂ = 2
 *   limit         clamp(min(⌊target⌋, ramp), min, max)
 *
 * A sample from a call started before the last decrease is old news about a level already left:
 * it changes nothing (a refused one only counts into the ramp), so one burst costs one step, not
 * ten. Without `startedAt`, anything within one round trip of the decrease counts as old.
 */
export class AimdLimit implements Limit {
  private target: number;
  /** While defined, the limit after a long wait: grows by one per success until it meets the target. */
  private ramp: number | undefined;
  /** The level of the last drop; the target holds at ceiling − 1 and probes it only slowly. */
  private ceiling: number | undefined;
  private probeFactor: number;
  private slowStart = true;
  /** Overloads (5xx, timeouts) met in slow start: a lone one is the provider's, not our level's. */
  private slowStartOverloads = 0;
  private successes = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly latency = new LatencyGradient();

  constructor(
    private readonly bounds: LimitBounds,
    private readonly tuning: AimdTuning = AIMD_TUNING,
  ) {
    this.target = bounds.initial;
    this.probeFactor = tuning.probeSlowdown;
  }

  get limit(): number {
    const wanted = Math.min(Math.floor(this.target), this.ramp ?? Number.POSITIVE_INFINITY);
    return clamp(wanted, this.bounds.min, this.bounds.max);
  }

  sample(s: LimitSample, now: number): string | undefined {
    const oldNews = this.isOldNews(s.startedAt, now);
    switch (s.kind) {
      case 'success':
        return this.onSuccess(s.latencyMs, s.size, oldNews, now);
      case 'drop':
        return this.onDrop(s.long, oldNews, now);
      case 'overload':
        return oldNews ? undefined : this.onOverload(s.reason, now);
      case 'ignore':
        return undefined;
    }
  }

  private isOldNews(startedAt: number | undefined, now: number): boolean {
    if (startedAt !== undefined) return startedAt < this.lastDecreaseAt;
    return now < this.lastDecreaseAt + (this.latency.shortMs ?? DEFAULT_RTT_MS);
  }

  private onDrop(long: boolean, oldNews: boolean, now: number): string | undefined {
    // A refused call keeps its slot while it waits to retry: the ramp counts it, so that one new
    // call, not none, may start when the wait ends.
    if (oldNews) {
      if (this.ramp === undefined) return undefined;
      this.ramp += 1;
      return 'ramp_holds_retry';
    }
    if (this.ramp !== undefined) {
      // Refused while ramping up after a wait: the window has not freed these slots yet. That is
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
    this.ramp = long
      ? 1 + Math.max(1, Math.floor(Math.floor(this.target) * this.tuning.rampRatio))
      : undefined;
    return reason;
  }

  private onOverload(reason: string, now: number): string | undefined {
    // A provider's 503 ("the model is overloaded") falls on one call in a hundred whatever our
    // level; taking it for our level's left the run's first windows at two or three calls at once.
    // A second one in slow start is a pattern, and is met as any overload is.
    if (this.slowStart && this.slowStartOverloads === 0) {
      this.slowStartOverloads = 1;
      return undefined;
    }
    return this.decrease(this.target * this.tuning.overloadRatio, now, reason);
  }

  private decrease(to: number, now: number, reason: string): string {
    this.slowStart = false;
    this.successes = 0;
    this.lastDecreaseAt = now;
    this.target = clamp(Math.floor(to), this.bounds.min, this.bounds.max);
    return reason;
  }

  private onSuccess(
    latencyMs: number,
    size: number | undefined,
    oldNews: boolean,
    now: number,
  ): string | undefined {
    const gradient = this.latency.observe(latencyMs, size);
    // A call sent before the last decrease succeeded at a level already left: it says nothing
    // about the new one, and letting it grow the ramp would undo the wait's spreading.
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
