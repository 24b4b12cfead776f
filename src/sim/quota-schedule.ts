import type { QuotaLimits } from './rate-quota.js';

/**
 * Limit changes over time, as when the key is shared with another service that starts and stops.
 * Steps are in ms since the simulator started, in increasing order; each holds from its `atMs` to
 * the next step, and a limit it does not name is the provider's own:
 *
 *   limits(e) = base                                   before the first step
 *             = { rpm: s.rpm ?? base.rpm, tpm: s.tpm ?? base.tpm }   s = the last step with atMs ≤ e
 */
export interface ScheduleStep {
  atMs: number;
  rpm?: number;
  tpm?: number;
}

export function limitsAt(base: QuotaLimits, steps: readonly ScheduleStep[], elapsedMs: number): QuotaLimits {
  let current: ScheduleStep | undefined;
  for (const step of steps) {
    if (step.atMs > elapsedMs) break;
    current = step;
  }
  if (current === undefined) return base;
  return { rpm: current.rpm ?? base.rpm, tpm: current.tpm ?? base.tpm, windowMs: base.windowMs };
}

/**
 * The limits the provider reports for the key (OpenAI's x-ratelimit-limit-*, Gemini's quotaValue,
 * the 429 message's "Limit"): a step below the base is another service's use of the same key,
 * which leaves the key's limit as it was (what it took shows in what is left); a step above it is
 * a raised tier, reported as the new limit:
 *
 *   reported = { rpm: max(base.rpm, now.rpm), tpm: max(base.tpm, now.tpm) }
 */
export function keyLimits(base: QuotaLimits, now: QuotaLimits): QuotaLimits {
  return { rpm: Math.max(base.rpm, now.rpm), tpm: Math.max(base.tpm, now.tpm), windowMs: now.windowMs };
}

/** When the limits next change after `elapsedMs`, or undefined when they never do. */
export function nextChangeAfter(steps: readonly ScheduleStep[], elapsedMs: number): number | undefined {
  return steps.find((s) => s.atMs > elapsedMs)?.atMs;
}
