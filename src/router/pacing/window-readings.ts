import type { CallLedger } from './call-ledger.js';
import { DROP, TOLERANCE, type PendingRefusal } from './pending-refusal.js';
import type { QuotaEstimates } from './quota-estimates.js';

/**
 * What a window's 429 says its quota is, once the calls out when it was sent have reported (see
 * refusal-count.ts for when). A 429 sent at t, its room freeing at a, over the window W:
 *
 *   sliding  over (t − Ŵ, t]: n calls, m tokens. The first count is exact (R̂ ← n, T̂ ← m: the
 *            window began empty) — when none of our calls starts at a − W, it rests on one that
 *            reached the provider late, and keeps what a fixed window from a − W held as its
 *            certain part (QuotaEstimates' doubt). Later, when a − W is one of our calls' start
 *            s*, the hint says how many must leave first (k, those started by s*):
 *            R̂ ← max(1, min(R̂ − 1, n + 1 − k)), T̂ ← max(call, min(T̂ − call, Σ c after s* + e)) —
 *            calls sent at s*'s own instant leave with it in any order: the reading rises by all
 *            but one of them (a request) or by what they took less a call (tokens), the top of
 *            what the hint allows, less a step — a quota that dropped
 *            is followed at once; a token reading within a fifth of T̂ (loose by up to the call
 *            that leaves last) and a hint that names none of our calls lower it by two calls at
 *            most. After a trial it failed, the level before the trial holds at least (and, for
 *            a trial of one request more, at most: a reading above it contradicts the 429)
 *   fixed    the window [a − W, a) held N calls of M tokens: R̂ ← N; T̂ ← M (after a trial it failed,
 *            max(T̂, M)) — a floor, loose by up to the refused call, so the next trial waits a
 *            window (its ceiling U: M + the refused call, quota-model.ts); a token 429 with N = 0
 *            (the calls before it let go at its own instant) reads nothing
 */
export function readSliding(
  ledger: CallLedger,
  quota: QuotaEstimates,
  windowMs: number,
  unitMs: number | undefined,
  refusal: PendingRefusal,
  now: number,
): void {
  const counted = ledger.between(refusal.at - windowMs, refusal.at);
  const n = counted.length;
  const m = counted.reduce((sum, a) => sum + a.cost, 0);
  // Without reported tokens a token quota cannot be counted: pace the requests it allowed.
  const budget = refusal.quota === 'tokens' && m > 0 ? 'tokens' : 'requests';
  const known = budget === 'requests' ? quota.requests : quota.tokens;
  if (unitMs === undefined || known === undefined) {
    if (refusal.lateLeaver !== true || unitMs === undefined) return quota.count(budget, n, m, now);
    // A count that needed a call to have reached the provider late may hold the window before's.
    // What a fixed window with its boundary at a held: the calls stamped from a − W on.
    const sure = counted.filter((a) => a.restamped !== true && a.start >= refusal.release - unitMs);
    return quota.count(budget, n, m, now, { n: sure.length, m: sure.reduce((sum, a) => sum + a.cost, 0) });
  }
  const leaving = ledger.startNear(refusal.release - unitMs, unitMs * TOLERANCE);
  const afterTrial = refusal.afterTrial === true;
  if (leaving === undefined) {
    if (!afterTrial) quota.count(budget, n, m, now);
    return;
  }
  const staying = counted.filter((a) => a.start > leaving);
  const call = ledger.meanCost();
  // Calls the gate let go at the leaving call's own instant leave with it, in any order: the quota
  // lies between what stays once they all have left and what stays with one of them, less a step.
  const together = counted.filter((a) => a.start === leaving);
  const spread =
    together.length < 2
      ? 0
      : budget === 'requests'
        ? together.length - 1
        : Math.max(0, together.reduce((sum, a) => sum + a.cost, 0) - call);
  const reading =
    spread +
    (budget === 'requests'
      ? n + 1 - Math.max(1, n - staying.length)
      : staying.reduce((sum, a) => sum + a.cost, 0) + refusal.estimate);
  // A trial of one request more was refused: a reading above the level before it contradicts
  // that 429 (a call counted on the wrong side of a − W), and raises nothing.
  if (afterTrial)
    return quota.read(budget, budget === 'requests' ? known : Math.max(known, reading), now, { afterTrial });
  if (budget === 'tokens' && reading >= DROP * known) return quota.count(budget, n, m, now);
  const step = budget === 'requests' ? 1 : call;
  quota.read(budget, Math.max(budget === 'requests' ? 1 : call, Math.min(known - step, reading)), now);
}

/** `early`: read when the 429 arrives, the calls out taken as admitted; read again once they report. */
export function readFixed(
  ledger: CallLedger,
  quota: QuotaEstimates,
  unitMs: number,
  refusal: PendingRefusal,
  early: boolean,
  now: number,
): void {
  const held = ledger.taken(refusal.release - unitMs, refusal.sent, early);
  // Nothing of ours started before it in its window (the calls let go with it at one instant
  // count from the same moment): a floor of nothing says nothing — a token 429 read as a request
  // quota of 1 paced a window to a call, then searched its way back from there.
  if (held.requests === 0 && refusal.quota === 'tokens') return;
  if (refusal.quota === 'requests' || held.tokens === 0) {
    quota.read('requests', Math.max(1, held.requests), now);
    return;
  }
  // What this window admitted is a floor, loose by up to the refused call (its ceiling,
  // quota-model.ts): taken as it is, and a trial soon tests above it. After a failed trial, the
  // level before it is not known to be too high.
  const floor = Math.max(ledger.meanCost(), held.tokens);
  const known = quota.tokens;
  const afterTrial = refusal.afterTrial === true;
  // Read again once the calls out have reported, it is still the news of the 429's own time.
  quota.read('tokens', afterTrial && known !== undefined ? Math.max(known, floor) : floor, refusal.at, {
    uncertain: true,
    afterTrial,
    floor: true,
    upTo: floor + refusal.estimate,
  });
}
