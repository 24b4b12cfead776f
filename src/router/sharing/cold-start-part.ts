/**
 * How many calls at once one of n instances on a key may have out while the key's quota is not yet
 * known (docs/quota.md, "Cold start"): the group's cold start is one instance's, divided among the
 * n. One instance alone starts at `initial` calls out, gains one per answer and stops at `max`;
 * each of the n runs
 *
 *   part = limit                                                   n ≤ 1, or the quota known, or warm
 *        = clamp(limit − initial + ⌈initial / n⌉, 1, ⌈max / n⌉)    otherwise
 *
 * with `limit` its own rule's limit (it gains one per answer of its own). Summed over the group,
 * Σ part ≤ initial + Σ answers (+ n − 1, the rounding up) and ≤ max + n − 1: the group's calls out
 * start where one instance's do, grow by one per answer whoever gets it, and stop where one
 * instance's stop — so the group meets the key's first refusal with one instance's burst, not n.
 *
 * Warm: `warmAfterMs` (the provider's minute) after this instance's first call, no quota learnt.
 * A per-minute quota that one instance's full pace did not meet in a minute does not bind that
 * pace: the group's whole limits, n instances' pace, are let through from then on.
 */
export interface ColdStart {
  /** The instance's own rule's limit now. */
  limit: number;
  /** The rule's start (the origin's TAG_SPACE_AI_CONCURRENCY). */
  initial: number;
  /** The rule's most calls at once. */
  max: number;
  /** Live instances on the key, this one included. */
  instances: number;
  /** Whether the key's quota (requests or tokens per window) is known: learnt or adopted. */
  known: boolean;
  /** When this instance's first call left (undefined: none yet). */
  firstCallAt: number | undefined;
  now: number;
  /** How long a cold start lasts at most: the provider's minute. */
  warmAfterMs: number;
}

export function coldStartPart(c: ColdStart): number {
  const n = Math.floor(c.instances);
  if (n <= 1 || c.known) return c.limit;
  if (c.firstCallAt !== undefined && c.now - c.firstCallAt >= c.warmAfterMs) return c.limit;
  const grown = c.limit - c.initial + Math.ceil(c.initial / n);
  return Math.max(1, Math.min(c.limit, grown, Math.ceil(c.max / n)));
}
