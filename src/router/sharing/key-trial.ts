import type { SharedEstimate } from './quota-share.js';
import type { FractionClaim } from './whole-calls.js';

/**
 * The key's trial: with R̂ a lower bound learnt (or last raised) at t₀, the key full at it (the
 * gate's business: own + peers + 1 > R̂) and this instance the claimant with the smallest id —
 * every member computes the same from the same records, so one tries for the whole key —
 *
 *   t ≥ t₀ + Ŵ   ⇒   R̂ ← R̂ + 1, a lower bound, learntAt t
 *
 * published, so one call a window is tried for the whole key; a 429 past the quota is counted, a
 * reading, and trials stop. Undefined when no trial is due.
 */
export function keyTrial(
  now: number,
  q: SharedEstimate,
  self: string,
  claims: readonly FractionClaim[],
): Omit<SharedEstimate, 'by'> | undefined {
  if (q.floor !== true || q.requests === undefined || now < q.learntAt + q.windowMs) return undefined;
  if (!claims.every((c) => c.id === self || c.fraction <= 0 || self < c.id)) return undefined;
  return { ...withoutBy(q), requests: q.requests + 1, floor: true, learntAt: now };
}

function withoutBy(e: SharedEstimate): Omit<SharedEstimate, 'by'> {
  const { by: _by, ...rest } = e;
  return rest;
}
