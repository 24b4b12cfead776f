/**
 * The length Ŵ of a provider's sliding window, as a client can learn it from 429s. A 429's hint
 * says when the oldest call the window holds leaves it: at that call's start + W.
 *
 *   first     a window-sized 429 at t, hint h, the window's oldest admitted call started at s:
 *             Ŵ ← t + h − s                                   (taken only when 0 < Ŵ ≤ 2 min)
 *   tighten   every later one: Ŵ ← min(Ŵ, t + h − s)
 *   lengthen  a call let go at the window's edge and refused (hint h): the call it waited for
 *             left later than Ŵ said: Ŵ ← Ŵ + clamp(h, Ŵ/240, Ŵ/120) — at least a quarter of a
 *             second of a minute, a margin for the next send that lags as much, at most half
 *
 * Hints are rounded up (Gemini: whole seconds) and s is our send time, which precedes the
 * provider's own, so Ŵ ≥ W by up to a rounding unit; a send that is late by more than the
 * anchor's (a busy event loop) can still meet the edge early, which `lengthen` absorbs. Pure.
 */
/** No provider meters over more than this; a longer "window" is a daily quota or a bad hint. */
export const MAX_WINDOW_MS = 120_000;
/** A refusal at the edge lengthens Ŵ by a quarter to half a second of a minute. */
const EDGE_FRACTION = 1 / 120;
const EDGE_MARGIN = 1 / 240;

export class WindowLength {
  private length: number | undefined;

  /** `windowMs` fixes Ŵ instead of learning it. */
  constructor(windowMs?: number) {
    this.length = windowMs;
  }

  /** Ŵ, once learnt. */
  get ms(): number | undefined {
    return this.length;
  }

  /** How soon after a window hold ends a call still counts as let go at the edge. */
  get edgeMs(): number {
    return (this.length ?? 0) * EDGE_FRACTION;
  }

  /** A window-sized 429 at `now` whose hint says the call started at `oldestStart` leaves in `hintMs`. */
  refusedFull(now: number, hintMs: number, oldestStart: number): void {
    const candidate = now + hintMs - oldestStart;
    if (candidate > 0 && candidate <= MAX_WINDOW_MS) {
      this.length = Math.min(this.length ?? candidate, candidate);
    }
  }

  /** A call let go at the window's edge was refused, to wait `hintMs` more. */
  refusedAtEdge(hintMs: number): void {
    const length = this.length;
    if (length === undefined) return;
    this.length = length + Math.min(Math.max(hintMs, length * EDGE_MARGIN), length * EDGE_FRACTION);
  }
}
