/**
 * A key's R calls per window in whole calls, given each claimant's fraction f_i of it: ⌊f_i·R⌋
 * each leaves up to n − 1 calls of the key unassigned (three thirds of 58: 19 + 19 + 19 = 57;
 * 12.5 + 12.5 of 25 free: 24), and a call a window unused costs a whole window at the end of a
 * sliding-window run. They go one each to the claimants with the largest remainders
 * f_i·R − ⌊f_i·R⌋, ties by id — every instance computes the same from the same fractions:
 *
 *   whole_i = ⌊f_i·R⌋ + [i among the first ⌊R·Σf⌋ − Σ⌊f_j·R⌋ by remainder, then id]
 *
 * (⌊·⌋ with a hair of slack, 1e-9: fractions are floats, and 1/3 · 60 must be 20, not 19.999….)
 */
export interface FractionClaim {
  id: string;
  fraction: number;
}

const SLACK = 1e-9;

export function wholeCalls(self: string, claims: readonly FractionClaim[], requests: number): number {
  const parts = claims
    .filter((c) => c.fraction > 0)
    .map(({ id, fraction }) => {
      const exact = fraction * requests;
      const whole = Math.floor(exact + SLACK);
      return { id, whole, rest: Math.max(0, exact - whole) };
    });
  const mine = parts.find((p) => p.id === self);
  if (mine === undefined) return 0;
  const total = Math.floor(claims.reduce((sum, c) => sum + Math.max(0, c.fraction), 0) * requests + SLACK);
  const left = total - parts.reduce((sum, p) => sum + p.whole, 0);
  if (left <= 0) return mine.whole;
  const ranked = [...parts].sort((a, b) => b.rest - a.rest || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return mine.whole + (ranked.slice(0, left).some((p) => p.id === self) ? 1 : 0);
}
