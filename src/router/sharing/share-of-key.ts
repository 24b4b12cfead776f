import type { QuotaUsage } from './quota-share.js';
import { waterFill } from './water-fill.js';

/**
 * This instance's fraction of a key's quota, from what it knows of the claimants (itself and the
 * live peers with demand: calls waiting, or usage in the last window). With C the capacity (the
 * newest estimate's requests per window, or its tokens when only those are known — usage then in
 * tokens) and D what departed peers' calls still hold of the window:
 *
 *   d_i = ∞                             if waiting_i > 0        (a backlog takes what it gets)
 *       = (u_i·(1 + g) + unit) / C      else if active_i        (room to grow by g per window)
 *       = u_i / C                       otherwise               (idle: what its calls hold)
 *   f   = waterFill(d)[self] · (C − D) / C                      (water-fill.ts)
 *
 * — the live share only what is free, so a departure never has them race for one slot. An instance
 * that has stopped calling (its backlog done) keeps no headroom, not even a call: the room it would
 * hold is what the backlogs of the others wait for (one call a window unused costs a whole window
 * at the end of a sliding-window run), and a new backlog of its own claims its part by waiting —
 * its gate lets one call through whatever its part, when the key has room.
 * Without a capacity, f = 1 / |claimants|. Never 0: a gate still lets one call through per window.
 */
export interface Claimant {
  id: string;
  waiting: number;
  usage: QuotaUsage;
  /** Whether it was admitted a call lately (key-share.ts: within the demand hold); default true. */
  active?: boolean;
}

export interface Capacity {
  /** C. */
  amount: number;
  /** Whether C (and so usage and D) is counted in tokens rather than requests. */
  byTokens: boolean;
  /** D, in the same unit. */
  departed: number;
}

export function shareOfKey(
  self: string,
  claimants: readonly Claimant[],
  capacity: Capacity | undefined,
  headroom: number,
): number {
  return sharesOfKey(claimants, capacity, headroom).get(self) ?? Number.MIN_VALUE;
}

/** Every claimant's fraction, by the same rule (what each of them computes for itself). */
export function sharesOfKey(
  claimants: readonly Claimant[],
  capacity: Capacity | undefined,
  headroom: number,
): Map<string, number> {
  if (capacity === undefined)
    return new Map(claimants.map(({ id }) => [id, 1 / Math.max(1, claimants.length)]));
  const { amount, byTokens, departed } = capacity;
  const free = Math.max(0, amount - departed) / amount;
  const demands = claimants.map(({ id, waiting, usage, active = true }) => {
    if (waiting > 0) return { id, demand: Number.POSITIVE_INFINITY };
    const used = byTokens ? usage.tokens : usage.requests;
    const unit = byTokens ? usage.tokens / Math.max(1, usage.requests) : 1;
    return { id, demand: (active ? used * (1 + headroom) + unit : used) / amount };
  });
  const parts = claimants.length <= 1 ? new Map(claimants.map(({ id }) => [id, 1])) : waterFill(demands);
  return new Map([...parts].map(([id, a]) => [id, Math.max(Math.min(1, a) * free, Number.MIN_VALUE)]));
}
