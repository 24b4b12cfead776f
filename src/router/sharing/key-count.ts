/** A count above the key's estimate replaces it only when higher by this share (else: its edges' slack). */
export const RAISE_BY = 0.25;

export interface Counted {
  value: number;
  /** A lower bound, not a reading (SharedEstimate.floor). */
  floor: boolean;
}

/**
 * What a 429's count makes of the key's estimate R̂ (`last`, a lower bound when `lastFloor`), the
 * window having held between lo and hi (the peers' buckets at its start edge). With every peer's
 * calls heard of (`complete`) the count is a reading:
 *
 *   R̂ ← hi  if R̂ > hi;   lo  if lo > (1 + RAISE_BY)·R̂, or lo > R̂ a lower bound;   else R̂
 *
 * (a 429 at the window's edge, its oldest calls in a bucket half out, counted lo, lowered a right
 * estimate of 30 to 26 for good). Else — a peer went silent within the window or a report interval
 * before it (killed, leaving, its record late) and its last calls may be missing — the window held
 * at least lo, and the count is a lower bound that may raise R̂, never lower it:
 *
 *   R̂ ← lo  (a lower bound)  if lo > (1 + RAISE_BY)·R̂, or lo > R̂ a lower bound;   else R̂ as it was
 *
 * (a member killed at 300 ms, its last two calls never reported: the survivors' count of 28 set a
 * key of 30 for good). None yet: lo, a lower bound unless complete.
 */
export function counted(
  lo: number,
  hi: number,
  complete: boolean,
  last: number | undefined,
  lastFloor = false,
): Counted {
  if (last === undefined) return { value: lo, floor: !complete };
  const raise = lo > last * (1 + RAISE_BY) || (lastFloor && lo > last);
  if (!complete) return raise ? { value: lo, floor: true } : { value: last, floor: lastFloor };
  if (last > hi) return { value: hi, floor: false };
  return { value: raise ? lo : last, floor: false };
}
