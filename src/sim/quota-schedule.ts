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

/** When the limits next change after `elapsedMs`, or undefined when they never do. */
export function nextChangeAfter(steps: readonly ScheduleStep[], elapsedMs: number): number | undefined {
  return steps.find((s) => s.atMs > elapsedMs)?.atMs;
}
