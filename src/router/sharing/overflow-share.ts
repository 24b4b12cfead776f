import type { PeerClaim, QuotaUsage } from './quota-share.js';

/**
 * This instance's part of what peers over their parts hold: a peer p that holds u_p > f_p·Q + s
 * (s: one call's slack, a bucket counted whole at the window's edge) takes E = Σ (u_p − f_p·Q) from
 * the instances within theirs, in proportion to their parts —
 *
 *     cut = E · f / (f + Σ_{p within} f_p)
 *
 * so the freed room of a peer over its part (one that held the key alone, or whose part just
 * shrank) is split, not raced for: every instance computes the same split from the same records.
 */
export function overflowShare(
  f: number,
  claims: readonly PeerClaim[],
  quota: number,
  slack: number,
  amount: (u: QuotaUsage) => number,
): number {
  let excess = 0;
  let within = f;
  for (const { usage, fraction } of claims) {
    const over = amount(usage) - fraction * quota;
    if (over > slack) excess += over;
    else within += fraction;
  }
  return within > 0 ? (excess * f) / within : 0;
}
