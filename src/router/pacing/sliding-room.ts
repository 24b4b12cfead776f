import type { CallLedger } from './call-ledger.js';

/**
 * When a sliding window of Ŵ has room for a call of estimate e: the first t′ ≥ now with, over
 * (t′ − Ŵ, t′],
 *
 *     #admitted + #out + 1 ≤ R̂   and   Σ c + Σ ĉ(out) + k·e ≤ T̂          (call-ledger.ts)
 *
 * (a quota not known holds nothing). When the calls out fill the window by themselves the call
 * waits for them to report (Ŵ at most), or, with none out, for the window to empty (a call larger
 * than the estimate goes alone). `edge`: t′ is the moment an admitted call leaves the window.
 */
export function slidingRoom(
  ledger: CallLedger,
  windowMs: number,
  quota: { requests?: number; tokens?: number },
  now: number,
  estimate: number,
): { at: number; edge: boolean } {
  const { admitted, out } = ledger;
  const first = ledger.firstAfter(now - windowMs);
  const used = admitted.length - first;
  // How many of the oldest admitted calls must leave the window first.
  let leave = 0;
  if (quota.requests !== undefined) leave = used + out.length + 1 - quota.requests;
  if (quota.tokens !== undefined) {
    let excess = ledger.held(now, windowMs) + estimate * ledger.costPerEstimate - quota.tokens;
    let n = 0;
    while (excess > 0 && n < used) {
      excess -= admitted[first + n]?.cost ?? 0;
      n += 1;
    }
    leave = Math.max(leave, excess > 0 ? used + 1 : n);
  }
  if (leave <= 0) return { at: now, edge: false };
  if (leave > used) {
    if (out.length > 0) return { at: now + windowMs, edge: false };
    return { at: used > 0 ? (admitted[admitted.length - 1]?.start ?? now) + windowMs : now, edge: false };
  }
  return { at: (admitted[first + leave - 1]?.start ?? now) + windowMs, edge: true };
}
