/**
 * Max-min fair shares of a capacity C among claimants with demands d_i (∞ = takes whatever it
 * gets), by water-filling: with the claimants in ascending order of demand (ties by id, so every
 * instance that sees the same claims computes the same split),
 *
 *   a_i = min(d_i, (C − Σ_{j<i} a_j) / (n − i))        i = 0 … n−1
 *
 * and what is left when every demand is met, C − Σ a_i, is shared equally on top:
 *
 *   share_i = a_i + (C − Σ a_j) / n
 *
 * so no capacity is left unassigned, and no claimant gets less than min(d_i, C/n).
 */
export interface Claim {
  id: string;
  /** ≥ 0; Infinity for a claimant that would use any amount. */
  demand: number;
}

export function waterFill(claims: readonly Claim[], capacity = 1): Map<string, number> {
  const ordered = [...claims].sort((a, b) => a.demand - b.demand || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const shares = new Map<string, number>();
  let left = capacity;
  ordered.forEach((claim, i) => {
    const level = left / (ordered.length - i);
    const given = Math.min(Math.max(0, claim.demand), level);
    shares.set(claim.id, given);
    left -= given;
  });
  if (ordered.length > 0 && left > 0) {
    const extra = left / ordered.length;
    for (const [id, share] of shares) shares.set(id, share + extra);
  }
  return shares;
}
