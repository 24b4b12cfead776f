import type { CallOutcome } from '../pacing/pacer.js';

/** One call this instance let go on the shared key. */
export interface OwnCall {
  start: number;
  /**
   * From when the provider's window holds it: `start`, or, once the answer says the provider got
   * it later (CallOutcome.arrivedBy: a slow send), that moment.
   */
  at: number;
  /** Estimated prompt tokens at the gate. */
  estimate: number;
  /** Reported tokens, once answered. */
  cost?: number;
  answered?: boolean;
}

/**
 * This instance's own calls on a shared key, as the provider's window holds them:
 *
 *   at_c   = max(start_c, min(arrivedBy_c, answer_c))        (start_c alone when not said)
 *   cost_c = reported_c  once answered,  else  k·estimate_c
 *   k      = Σ reported / Σ estimate over the answered calls that had both  (1 before any)
 *
 * A call is counted from the gate's start until the provider refuses it (a 429 is not counted); a
 * call that failed otherwise stays counted (the provider may have counted it).
 */
export class OwnCalls {
  private readonly calls: OwnCall[] = [];
  private reported = 0;
  private estimated = 0;

  /** k: reported tokens per estimated prompt token (1 before any answer). */
  get k(): number {
    return this.estimated > 0 && this.reported > 0 ? this.reported / this.estimated : 1;
  }

  started(now: number, tokens: number): void {
    this.calls.push({ start: now, at: now, estimate: Math.max(0, tokens) });
  }

  /** The call's answer: a 429 removes it, a success says what it cost and when the provider got it. */
  record(outcome: CallOutcome, now: number): void {
    const call = this.take(outcome.startedAt, outcome.kind === 'rate_limited');
    if (outcome.kind === 'success' && call !== undefined) {
      call.answered = true;
      // A slow send (a process's first calls: 100–350 ms measured on a loaded host) puts the call
      // in the provider's window later than the gate let it go, and it leaves as late.
      if (outcome.arrivedBy !== undefined) call.at = Math.max(call.at, Math.min(outcome.arrivedBy, now));
      const cost = (outcome.inputTokens ?? 0) + (outcome.outputTokens ?? 0);
      if (cost > 0) {
        call.cost = cost;
        if (call.estimate > 0) {
          this.reported += cost;
          this.estimated += call.estimate;
        }
      }
    }
  }

  /** The calls in the window (now − w, now], oldest in it first (a slow send's entered it after later ones). */
  inWindow(now: number, w: number): OwnCall[] {
    return this.calls.filter((c) => c.at > now - w).sort((x, y) => x.at - y.at);
  }

  /** The calls the window (sent − w, sent] held, in the order they left the gate. */
  heldAt(sent: number, w: number): OwnCall[] {
    return this.calls.filter((c) => c.at > sent - w && c.at <= sent);
  }

  costOf(c: OwnCall): number {
    return c.cost ?? c.estimate * this.k;
  }

  /** Σ cost_c over `calls`, in their order. */
  costOfAll(calls: readonly OwnCall[]): number {
    return calls.reduce((sum, c) => sum + this.costOf(c), 0);
  }

  /** Forgets the calls that started `keepMs` or longer before `now`. */
  prune(now: number, keepMs: number): void {
    let drop = 0;
    while (drop < this.calls.length && (this.calls[drop]?.start ?? now) <= now - keepMs) drop += 1;
    if (drop > 0) this.calls.splice(0, drop);
  }

  /**
   * The own call started at `startedAt` (the nearest; of calls let go together, one not answered
   * yet), removed when the provider did not count it.
   */
  private take(startedAt: number | undefined, remove: boolean): OwnCall | undefined {
    if (startedAt === undefined || this.calls.length === 0) return undefined;
    const distance = (c: OwnCall | undefined): number =>
      Math.abs((c?.start ?? 0) - startedAt) + (c?.answered === true ? 0.5 : 0);
    let best = 0;
    for (let i = 1; i < this.calls.length; i += 1) {
      if (distance(this.calls[i]) < distance(this.calls[best])) best = i;
    }
    return remove ? this.calls.splice(best, 1)[0] : this.calls[best];
  }
}
