import type { CallLedger } from './call-ledger.js';
import { ProbeCall } from './probe-call.js';
import { slidingRoom } from './sliding-room.js';

/**
 * A shape read from one 429 while a sliding window of Ŵ was believed — a boundary never seen, or
 * a bucket's short wait: a wait none of our calls explains, which another user's call leaving a
 * shared key's sliding window explains as well. Until a call proves the new shape, the sliding
 * window paces too:
 *
 *   room      a call goes when both have room — no burst at a boundary, or from a bucket's
 *             capacity, that may not be there
 *   test      when only the new shape has room, one call tests it and the others wait for its
 *             verdict: admitted, the shape is proven and paces alone; refused, the sliding window
 *             stands (as it does on any 429 the new shape does not explain meanwhile)
 *
 * A shape that was right costs a window paced by both; one that was wrong, one 429 where a burst
 * had been refused (8–9 429s at one instant on a key another service shared).
 */
export class UnprovenShape {
  private w: number | undefined;
  private readonly test = new ProbeCall();

  /** Whether a shape awaits its proof. */
  get pending(): boolean {
    return this.w !== undefined;
  }

  /** A shape was adopted from one 429, where a sliding window of `w` was believed. */
  suspect(w: number): void {
    this.w = w;
    this.test.clear();
  }

  /** A call started at `now`: the test, if the gate let it go for the new shape alone. */
  started(now: number): void {
    this.test.started(now);
  }

  /** Whether the call started at `startedAt` tested the shape. */
  tested(startedAt: number | undefined): boolean {
    return this.w !== undefined && this.test.is(startedAt);
  }

  /** The call started at `startedAt` ended uncounted: a test that proved nothing. */
  finished(startedAt: number | undefined): void {
    this.test.finished(startedAt);
  }

  /** Proven, refuted, or another shape believed. */
  clear(): void {
    this.w = undefined;
    this.test.clear();
  }

  /** The room for a call of `estimate`, given the new shape's `room`. */
  room(
    ledger: CallLedger,
    quota: { requests?: number; tokens?: number },
    room: { at: number; edge: boolean },
    now: number,
    estimate: number,
  ): { at: number; edge: boolean } {
    const w = this.w;
    if (w === undefined) return room;
    if (this.test.out) return { at: Math.max(room.at, now + 1), edge: false };
    // The new shape holds the call (a boundary, a refill): there, both have room or the test goes.
    if (room.at > now) return room;
    const sliding = slidingRoom(ledger, w, quota, now, estimate);
    if (sliding.at <= now) return sliding;
    this.test.letGo(now);
    return { at: now, edge: false };
  }
}
