import type { CallLedger } from './call-ledger.js';
import { TOLERANCE } from './pending-refusal.js';

/**
 * The window the first 429 showed from empty, w = a − s₀ (its release less the start of our first
 * call the unit's window still holds), as evidence against the unit the 429s name:
 *
 *   shorter   w < unit · (1 − 1/4): the unit may be wrong
 *   overturn  a later 429 sent at t, freed at a, that a sliding window of w explains —
 *             a − w ∈ [oldest(t − w, t] − ε, t] — and the unit does not: w replaces it
 *
 * Not a longer one: a quota named per minute is not metered over more, and a − s₀ runs long when
 * the first window filled slowly (calls of 800 ms) and a fixed window's boundary, not its length,
 * freed it — an 8.1 s rival held a 6 s fixed window to 30 calls per 8.1 s (0.74).
 */
const OVERTURN = 0.25;

/** Whether a first window of `w` is short enough to overturn the named `unit`. */
export function shorterThanUnit(w: number | undefined, unit: number): w is number {
  return w !== undefined && unit - w > unit * OVERTURN;
}

/** Whether a sliding window of `w`, shorter than the unit, explains a 429 sent at `sent` that frees at `release`. */
export function slidingOver(
  ledger: CallLedger,
  w: number | undefined,
  sent: number,
  release: number,
  unit: number,
): boolean {
  if (!shorterThanUnit(w, unit)) return false;
  const oldest = ledger.admitted[ledger.firstAfter(sent - w)]?.start;
  return oldest !== undefined && release - w >= oldest - unit * TOLERANCE && release - w <= sent;
}
