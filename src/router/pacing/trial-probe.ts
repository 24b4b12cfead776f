import type { CallLedger } from './call-ledger.js';

/**
 * The calls of a trial of a window's quota: one the level before the trial would hold, and the
 * trial's level lets go, is a probe, and one probe at a time may be out — a trial that fails costs
 * one 429, not a burst of them. A 429 comes back far sooner than an answer: with ℓ how soon 429s
 * come back after their calls left (ℓ ← took at first, then ℓ ← ℓ + 0.3·(took − ℓ)), a probe out
 * 3ℓ has passed.
 *
 *   room   the level before the trial has room: at once; a probe out less than 3ℓ: when that level
 *          has room or the probe has passed, whichever comes first; else the trial's level's room,
 *          and a call it lets go at once is the probe
 */
export class TrialProbe {
  /** When `room` let a probe go: the call started then is it. */
  private letGoAt: number | undefined;
  /** ℓ. */
  private latency: number | undefined;

  /** A 429 came back `took` after its call left. */
  refusedAfter(took: number): void {
    if (took >= 0)
      this.latency = this.latency === undefined ? took : this.latency + 0.3 * (took - this.latency);
  }

  /** Whether `room` let the probe go at `now`: the call about to start is it. */
  lettingGo(now: number): boolean {
    return this.letGoAt === now;
  }

  /** A call started at `now`: whether it is the probe. */
  started(now: number): boolean {
    const probe = this.letGoAt === now;
    this.letGoAt = undefined;
    return probe;
  }

  /** The room for a call, given the room the level before the trial leaves (`held`) and the trial's. */
  room(
    ledger: CallLedger,
    held: { at: number; edge: boolean },
    tried: () => { at: number; edge: boolean },
    now: number,
  ): { at: number; edge: boolean } {
    if (held.at <= now) return held;
    // A 429 comes back far sooner than an answer: a probe out longer than a few of them passed.
    const wait = 3 * (this.latency ?? 0);
    const probing = ledger.out.find((call) => call.probe === true && call.start + wait > now);
    if (probing !== undefined) return { at: Math.min(held.at, probing.start + wait), edge: false };
    const room = tried();
    if (room.at <= now) this.letGoAt = now;
    return room.at < held.at ? room : held;
  }
}
