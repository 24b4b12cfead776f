/** The constants of the adaptive policy's rule (adaptive-policy.ts states it). */
export interface AdaptiveTuning {
  /** β, multiplicative decrease on a 429. */
  rateLimitRatio: number;
  /** γ, decrease on a 5xx, a timeout or a latency spike. */
  overloadRatio: number;
  /** τ, the short/long latency ratio above which the limit stops growing. */
  latencyTolerance: number;
  /** τ₂, the ratio above which latency counts as overload and the limit steps down. */
  latencyOverload: number;
  /** k, how many times slower the probe at the ceiling grows than plain additive increase. */
  probeSlowdown: number;
  /** Where the limit restarts after a long pause, as a fraction of the target (at least 1 call). */
  rampRatio: number;
  /** Learn the per-minute quotas from long 429 hints and start each call inside them (window-quota.ts). */
  pacing: boolean;
  /** Upper bound on one global pause, however long the hint (each call's retry still honours it). */
  maxPauseMs: number;
}

export const ADAPTIVE_TUNING: AdaptiveTuning = {
  rateLimitRatio: 0.7,
  overloadRatio: 0.9,
  latencyTolerance: 1.5,
  latencyOverload: 2,
  probeSlowdown: 4,
  rampRatio: 0,
  pacing: true,
  maxPauseMs: 60_000,
};
