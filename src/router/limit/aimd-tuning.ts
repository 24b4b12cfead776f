/** The constants of the aimd rule (aimd-limit.ts states it). */
export interface AimdTuning {
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
  /** Where the limit restarts after a long wait, as a fraction of the target (at least 1 call). */
  rampRatio: number;
}

export const AIMD_TUNING: AimdTuning = {
  rateLimitRatio: 0.7,
  overloadRatio: 0.9,
  latencyTolerance: 1.5,
  latencyOverload: 2,
  probeSlowdown: 4,
  rampRatio: 0,
};
