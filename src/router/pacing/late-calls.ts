import type { CallLedger } from './call-ledger.js';
import { TOLERANCE } from './pending-refusal.js';

/**
 * Calls that reached the provider later than stamped — a connection's start-up (the run's first
 * call 80 ms late), a busy event loop — and so leave a sliding window later than their stamps say.
 *
 *   restamp   a 429 at t frees at a: the calls stamped before a − W, within W/20 of it, left at
 *             a − W and are taken as started there
 *   oldest    the oldest call a window may hold for a call sent at t: the first started in
 *             (t − W, t], or one of the start-up's (sent before the first answer came back)
 *             started up to W/20 before
 */

/**
 * Calls stamped before `leaves` (a 429's a − W, in (t − W, t]) are taken as started there.
 * `startUp`: only if they all left before the first answer came back (`firstAnswerAt`). Returns
 * whether any was.
 */
export function restampLate(
  ledger: CallLedger,
  window: { unitMs: number | undefined; ms: number | undefined },
  firstAnswerAt: number | undefined,
  sent: number,
  leaves: number,
  startUp = false,
): boolean {
  const unit = window.unitMs;
  if (unit === undefined || leaves > sent) return false;
  // Ŵ exceeds the unit by the send margin: the calls the gate let leave may be older than t − W.
  const from = sent - (window.ms ?? unit) - unit * TOLERANCE;
  const first = ledger.admitted[ledger.firstAfter(from)];
  if (first === undefined || first.start >= leaves || leaves - first.start > unit / 20) return false;
  const lastBefore = ledger.admitted[ledger.firstAfter(leaves - 1e-6) - 1];
  if (startUp && (firstAnswerAt === undefined || (lastBefore?.start ?? 0) >= firstAnswerAt)) return false;
  ledger.restampBefore(leaves, from);
  return true;
}

/**
 * The oldest of our calls a window of `unit` may hold for a call sent at `sent`. A start-up call
 * frees its slot later than its stamp says, and a 429 waiting for it is the sliding window's, not
 * a bucket's: with calls of 800 ms, such a 429 (a 16 ms wait) was read as a bucket's, its rate as
 * 12 calls a window of 60, and the run went at a fifth of the quota to its end.
 */
export function oldestHeld(
  ledger: CallLedger,
  firstAnswerAt: number | undefined,
  sent: number,
  unit: number,
): number | undefined {
  // Calls let go with the refused one and still out may have reached the window before it.
  const withIt = ledger.out.filter((c) => Math.abs(c.start - sent) <= unit * TOLERANCE);
  const admitted = ledger.admitted[ledger.firstAfter(sent - unit)]?.start;
  const oldest = Math.min(admitted ?? Number.POSITIVE_INFINITY, ...withIt.map((c) => c.start));
  const inWindow = Number.isFinite(oldest) ? oldest : undefined;
  const early = ledger.admitted[ledger.firstAfter(sent - unit - unit / 20)]?.start;
  return early !== undefined && firstAnswerAt !== undefined && early < firstAnswerAt && early <= sent - unit
    ? early
    : inWindow;
}
