import type { CallLedger } from './call-ledger.js';

/**
 * When a window that resets on its boundaries (φ + jŴ, in the sender's time) has room for a call
 * of estimate e. A send within m of a boundary may reach the provider on either side of it, so it
 * counts in both windows, and the window's own sends start m after its boundary:
 *
 *   window of t   [B, B + Ŵ),  B = φ + jŴ, j = ⌊(t − φ − m) / Ŵ⌋
 *   room          over the calls started after B − m (admitted or out):
 *                     # + 1 ≤ R̂   and   Σ c + Σ ĉ(out) + k·e ≤ T̂
 *   else          at the next window: B + Ŵ + m (`edge`); a call larger than T̂ goes alone there
 */
export function fixedWindowRoom(
  ledger: CallLedger,
  windowMs: number,
  boundary: number,
  marginMs: number,
  quota: { requests?: number; tokens?: number },
  now: number,
  estimate: number,
): { at: number; edge: boolean } {
  let start = boundary + Math.floor((now - boundary - marginMs) / windowMs) * windowMs;
  // At B + m itself (the gate wakes there) the quotient can fall a hair short of a whole number:
  // the window that ended would be taken for this one, its room spent, and its next window "now" —
  // every call waiting then went at once, unchecked (10 calls of 20-23 k tokens on a quota of 20 k).
  if (start + windowMs + marginMs <= now) start += windowMs;
  const used = ledger.usage(start - marginMs, now);
  const cost = estimate * ledger.costPerEstimate;
  const fitsRequests = quota.requests === undefined || used.requests + 1 <= quota.requests;
  const fitsTokens = quota.tokens === undefined || used.tokens + cost <= quota.tokens || used.requests === 0;
  if (fitsRequests && fitsTokens) return { at: now, edge: false };
  return { at: start + windowMs + marginMs, edge: true };
}
