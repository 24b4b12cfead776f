import type { CallLedger } from './call-ledger.js';
import { ProbeCall } from './probe-call.js';
import { slidingRoom } from './sliding-room.js';

/**
 * W′, a sliding window that explains a fixed window's first request 429 as well: the window the
 * first burst showed from empty, a − s₀, shorter than the named unit by a quarter or more (a
 * request count is exact, so a call past it that a fixed window admits refutes that window).
 *
 *   room      while W′ stands, a call goes when both the fixed window and W′ have room: the next
 *             window replays the first one's sends rather than bursting at a boundary that may
 *             not be one
 *   test      when only W′ has room, one call tests it and the others wait for its verdict:
 *             admitted, W′ replaces the fixed window; refused on the boundary, the fixed window
 *             stands
 *
 * A boundary that was right costs that replay and one 429; one that was wrong, no burst of 429s.
 */
export class RivalWindow {
  private w: number | undefined;
  private readonly test = new ProbeCall();

  /** W′, while it stands. */
  get ms(): number | undefined {
    return this.w;
  }

  /** A fixed window was read from a first request 429 that a sliding window of `w` explains too. */
  suspect(w: number): void {
    this.w = w;
  }

  /** A call started at `now`: the test, if the gate let it go for W′. */
  started(now: number): void {
    this.test.started(now);
  }

  /** The call started at `startedAt` was answered: W′ if it was the test (W′ is the quota's). */
  admitted(startedAt: number): number | undefined {
    return this.w !== undefined && this.test.is(startedAt) ? this.w : undefined;
  }

  /** The call started at `startedAt` ended uncounted: a test that proved nothing. */
  finished(startedAt: number | undefined): void {
    this.test.finished(startedAt);
  }

  /** Whether the call sent at `sent` tested W′ (refused on the boundary, the fixed window stands). */
  tested(sent: number): boolean {
    return this.w !== undefined && this.test.is(sent);
  }

  /** W′ is refuted, or the window is no longer believed fixed. */
  clear(): void {
    this.w = undefined;
    this.test.clear();
  }

  /**
   * The room for a call of `estimate` given the fixed window's `room`: W′'s too while it stands;
   * at once, the test, when only W′ has room and the fixed window waits longer than `margin` (its
   * send margin after a boundary, twice).
   */
  room(
    ledger: CallLedger,
    quota: { requests?: number; tokens?: number },
    room: { at: number; edge: boolean },
    margin: number,
    sendMargin: number,
    now: number,
    estimate: number,
  ): { at: number; edge: boolean } {
    const w = this.w;
    if (w === undefined) return room;
    if (this.test.out) return { at: Math.max(room.at, now + 1), edge: false };
    const sliding = slidingRoom(ledger, w * (1 + sendMargin), quota, now, estimate);
    if (room.at <= now) return sliding;
    if (sliding.at > now) return { at: Math.min(room.at, sliding.at), edge: false };
    // The fixed window only waits out the margin after its boundary: no test.
    if (room.at - now <= margin) return room;
    this.test.letGo(now);
    return { at: now, edge: false };
  }
}
