import type { LimitSample } from './limit/limit.js';
import type { CallOutcome, RefusalReading } from './pacing/pacer.js';

/**
 * What a call's outcome tells the limit, once the pacer has read it first (Netflix's
 * Limiter.Listener: success, drop, ignore):
 *
 *   success                      → success(latency, size = the prompt estimate)
 *   429 read metered or edge     → ignore   (the pacer answers it: a rate, not a concurrency)
 *   429 read window / momentary  → drop(long = window)
 *   overloaded, timeout          → overload
 *   failure, cancelled           → ignore
 */
export function limitSampleOf(outcome: CallOutcome, reading: RefusalReading | undefined): LimitSample {
  const { startedAt } = outcome;
  switch (outcome.kind) {
    case 'success':
      return {
        kind: 'success',
        latencyMs: outcome.latencyMs,
        ...(outcome.estimate !== undefined && { size: outcome.estimate }),
        startedAt,
      };
    case 'rate_limited':
      if (reading === 'metered' || reading === 'edge') return { kind: 'ignore', startedAt };
      return { kind: 'drop', long: reading === 'window', startedAt };
    case 'overloaded':
    case 'timeout':
      return { kind: 'overload', reason: outcome.kind, startedAt };
    case 'failure':
    case 'cancelled':
      return { kind: 'ignore', startedAt };
  }
}
