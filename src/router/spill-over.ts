import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import type { ProviderSlot, SlotPage } from './provider-slot.js';

/**
 * Spill-over: a call leaves its provider p for another one, q, not because p failed (that is a
 * fallback) but because p would hold it while q is idle:
 *
 *   spill(p → q) ⇔ spill on ∧ (startsAt(p) > now + afterMs ∨ now − waitingSince ≥ afterMs)
 *                  ∧ q ≠ p ∧ canStartNow(q)                  (q: the first such, in preference order)
 *
 * startsAt(p) is what p's breaker, pause and pacing gate say of the call now (provider-slot.ts),
 * or ∞ while p's calls on the wire fill its concurrency limit. canStartNow(q) is q's gate's own
 * rule for letting a call go now (nothing waiting there, room under its limit, its pacer open),
 * with its breaker letting calls through: a spilled call goes at once, never into a queue. A call
 * that waits at p's gate longer than predicted is asked again at now = waitingSince +
 * afterMs, then whenever a candidate might start it: when its gate or breaker would let it
 * (its own startsAt), when one of its calls ends, when a breaker changes.
 */
export interface SpillSettings {
  /** A call held longer than this by its provider goes to one that can start it now. */
  afterMs: number;
}

export interface SpillCandidate {
  startsAt(pages: readonly SlotPage[]): number;
  canStartNow(pages: readonly SlotPage[]): boolean;
}

/** The candidate to spill to now, if the rule above says so. */
export function spillTarget<S extends SpillCandidate>(
  pages: readonly SlotPage[],
  at: { now: number; startsAt: number; waitingSince: number },
  afterMs: number,
  candidates: readonly S[],
): S | undefined {
  const held = at.startsAt > at.now + afterMs || at.now - at.waitingSince >= afterMs;
  return held ? candidates.find((q) => q.canStartNow(pages)) : undefined;
}

export interface Admission {
  slot: ProviderSlot;
  spilled: boolean;
  /** The prompt tokens the gate admitted the call with. */
  estimatedTokens: number;
}

/**
 * The call left `slot`'s gate unsent: the slot's breaker opened while it waited there and another
 * provider's lets calls through, so the caller picks again (a fallback, not a spill).
 */
export interface LeftGate {
  left: ProviderSlot;
}

export interface AdmitOptions {
  spill: SpillSettings | undefined;
  /** The other slots this call may spill to, in preference order (asked each time). */
  candidates: () => readonly ProviderSlot[];
  scheduler: SchedulerLike;
  /** Emits when a breaker changes or a call ends (a candidate may have become free). */
  changes$: Observable<void>;
  signal: AbortSignal | undefined;
}

/**
 * Passes `slot`'s gate — or, spill on, another slot's, when the rule above says so. Resolves with
 * the slot that admitted the call, or with the gate it left when its breaker opened meanwhile
 * (a 429 with a long hint to a call on the wire: the calls waiting behind it for the limit would
 * wait out the hint); rejects as the gate does (the caller's signal aborted).
 */
export function admitOrSpill(
  slot: ProviderSlot,
  pages: readonly SlotPage[],
  opts: AdmitOptions,
): Promise<Admission | LeftGate> {
  const { spill, scheduler } = opts;
  const now = (): number => scheduler.now();
  const waitingSince = now();
  const target = (): ProviderSlot | undefined =>
    spill === undefined
      ? undefined
      : spillTarget(
          pages,
          { now: now(), startsAt: startsAt(slot, pages), waitingSince },
          spill.afterMs,
          opts.candidates(),
        );
  // canStartNow saw q's breaker let a call through a moment ago, with nothing run since: this
  // acquires it (the probe, when half-open).
  const spillTo = async (q: ProviderSlot): Promise<Admission> => {
    q.breaker.tryAcquire();
    const estimatedTokens = await q.admit(pages, opts.signal);
    return { slot: q, spilled: true, estimatedTokens };
  };

  // Each spill asks q's gate first: target() saw it would let the call go now, and what releasing
  // or aborting here sets off (a gate's limit$ re-emitting, dispatch sending more batches) runs
  // synchronously and could take that room first.
  const early = target();
  if (early !== undefined) {
    const spilled = spillTo(early);
    slot.breaker.release();
    return spilled;
  }
  const broken = (): boolean =>
    slot.breaker.state === 'open' &&
    opts.candidates().some((q) => q.unusable === undefined && q.breaker.available);

  // Wait at the slot's gate; meanwhile, spill on, look again when the wait passes afterMs, then
  // whenever a candidate might start the call or a breaker changes.
  const own = new AbortController();
  const onAbort = (): void => own.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted === true) own.abort(opts.signal.reason);
  return new Promise<Admission | LeftGate>((resolve, reject) => {
    let timer: Subscription | undefined;
    let done = false;
    const finish = (): void => {
      done = true;
      timer?.unsubscribe();
      changes.unsubscribe();
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const look = (): void => {
      timer = undefined;
      if (done || spill === undefined) return;
      const q = target();
      if (q !== undefined) {
        finish();
        const spilled = spillTo(q);
        own.abort('spilled');
        spilled.then(resolve, reject);
        return;
      }
      // A candidate held by its gate or breaker is looked at again when that ends; one that is
      // busy (its calls fill its limit) or broken, when a call ends or a breaker changes.
      const next = Math.min(...opts.candidates().map((c) => c.startsAt(pages)));
      if (Number.isFinite(next) && next > now()) timer = scheduler.schedule(look, next - now());
    };
    slot.admit(pages, own.signal).then(
      (estimatedTokens) => {
        if (done) {
          // The gate let the call go in the instant it spilled, too late for the abort: the call
          // never leaves for this provider, so it gives back the slot and the pacer's count.
          // Kept, the slot counted a call on the wire for good, a call less of its limit.
          slot.record({ startedAt: now(), aborted: true, unsent: true, estimatedTokens });
          return;
        }
        finish();
        resolve({ slot, spilled: false, estimatedTokens });
      },
      (err: unknown) => {
        if (done) return;
        finish();
        reject(err);
      },
    );
    if (spill !== undefined) timer = scheduler.schedule(look, spill.afterMs);
    // Nothing above settles synchronously, so finish() never runs before this is assigned.
    const changes = opts.changes$.subscribe(() => {
      if (done) return;
      // Spill on, the rule above moves it (within afterMs): a broken gate's startsAt is its hint.
      if (spill === undefined && broken()) {
        finish();
        own.abort('left');
        resolve({ left: slot });
        return;
      }
      if (spill === undefined || now() - waitingSince < spill.afterMs) return;
      timer?.unsubscribe();
      look();
    });
  });
}

/**
 * When `slot` could start a call of these pages: its own answer, or never while its calls at the
 * provider fill its limit (it cannot take one more now; when one ends is unknown).
 */
function startsAt(slot: ProviderSlot, pages: readonly SlotPage[]): number {
  return slot.active >= slot.gate.current ? Number.POSITIVE_INFINITY : slot.startsAt(pages);
}
