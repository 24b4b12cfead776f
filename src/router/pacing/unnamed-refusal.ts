import type { RateLimitQuota } from '../../model/errors.js';
import type { CallLedger } from './call-ledger.js';
import type { PendingRefusal } from './pending-refusal.js';
import type { QuotaEstimates } from './quota-estimates.js';
import type { WindowLength } from './window-length.js';

/**
 * A 429 that names no unit, and is no news about the window's edge: Ŵ is learnt from window-sized
 * hints and the window taken for sliding (window-length.ts; the rules of quota-estimates.ts).
 *
 *   learn      window-sized, at t with hint h: Ŵ ← min(Ŵ, t + h − s), s the oldest call the window
 *              held (the run's first while Ŵ is unknown); a Ŵ that shortened forgets trials' gains
 *   ceiling    a token 429 bounds T (the quota model's rule, over the Ŵ just learnt)
 *   trial      a trial running is undone
 *   kept gain  window-sized while a kept trial's gain paces: back to the count (no 429 refused
 *              it), and no count lowers it further
 *   else       window-sized: its window is to be counted (refusal-count.ts); momentary: one call less
 *
 * Returns the 429 whose window is to be counted, if any.
 */
export function refusedUnnamed(
  ledger: CallLedger,
  length: WindowLength,
  estimates: QuotaEstimates,
  refusal: {
    now: number;
    retryAfterMs: number;
    windowFull: boolean;
    quota: RateLimitQuota;
    /** When the refused call was sent, and its prompt estimate. */
    sent: number;
    estimate: number;
    /** When our first call started. */
    firstStart: number | undefined;
  },
  lowerCeiling: () => void,
): PendingRefusal | undefined {
  const { now, retryAfterMs, windowFull, quota, sent } = refusal;
  const w = length.ms;
  if (windowFull) {
    const oldest = w === undefined ? refusal.firstStart : ledger.admitted[ledger.firstAfter(now - w)]?.start;
    if (oldest !== undefined) length.refusedFull(now, retryAfterMs, oldest);
  }
  const shorter = w !== undefined && (length.ms ?? w) < w;
  lowerCeiling();
  const undone = estimates.undoTrial(now, sent, length.ms);
  // A window-sized 429 while a kept trial's gain paces is explained by that gain: the level
  // last counted, which no 429 refused, paces again, and is not lowered by a count as well.
  const gained = windowFull && !undone && estimates.aboveCounts();
  if (shorter || gained) estimates.forgetTrialGains();
  if (undone || gained) return undefined;
  if (!windowFull) {
    estimates.shrink(quota, ledger.meanCost());
    return undefined;
  }
  const release = sent + retryAfterMs;
  return {
    at: now,
    sent,
    release,
    until: now + retryAfterMs,
    quota,
    shape: 'sliding',
    estimate: refusal.estimate,
  };
}
