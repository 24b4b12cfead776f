/**
 * The length Ŵ of a provider's sliding window, as a client can know it. A 429's hint says when
 * the oldest call the window holds leaves it: at that call's start + W.
 *
 *   named     the 429 names the quota's unit (Gemini's quotaId "…PerMinute…"): the provider
 *             documents its minute, so Ŵ ← unit · (1 + 1/600) — a tenth of a second of a minute
 *             for our send preceding the provider's arrival; hints no longer move it — unless a
 *             window that began empty shows a shorter length (by a quarter or more): that replaces it
 *   first     otherwise, a window-sized 429 at t, hint h, the window's oldest admitted call
 *             started at s: Ŵ ← t + h − s                     (taken only when 0 < Ŵ ≤ 2 min)
 *   tighten   every later one: Ŵ ← min(Ŵ, t + h − s)
 *   lengthen  a call let go at the window's edge and refused (hint h): the call it waited for
 *             left later than Ŵ said. Learnt: Ŵ ← Ŵ + clamp(h, Ŵ/240, Ŵ/120) — at least a quarter
 *             of a second of a minute, a margin for the next send that lags as much, at most
 *             half. Named: the window is not longer, a send lagged: Ŵ ← min(Ŵ + min(h, unit/240),
 *             unit · (1 + 1/120)) — the margin grows only by the lag seen, to half a second at most
 *   floor     hints rounded up to a grain g (Confluence's Retry-After: g = 1 s), learnt: W > L, with
 *             L ← min(Ŵ, max(L, t + h − g − s)) for each window-sized 429; window-trial.ts tries Ŵ
 *             shorter within (L, Ŵ], and a trial that fails raises L to what it tried
 *
 * Learnt, Ŵ ≥ W by up to a rounding unit of the hint (Gemini: whole seconds) plus how far our send
 * time s preceded the provider's own; named, by the margin alone. A send that is late by more
 * than the anchor's (a busy event loop) can still meet the edge early, which `lengthen` absorbs.
 * Pure.
 */
/** No provider meters over more than this; a longer "window" is a daily quota or a bad hint. */
export const MAX_WINDOW_MS = 120_000;
/** A refusal at the edge lengthens Ŵ by a quarter to half a second of a minute. */
const EDGE_FRACTION = 1 / 120;
const EDGE_MARGIN = 1 / 240;
/** A named window's margin for our send preceding the provider's arrival: 0.1 s of a minute. */
const NAMED_MARGIN = 1 / 600;

export class WindowLength {
  private length: number | undefined;
  /** The unit the provider named, once it did. */
  private unit: number | undefined;
  /** Evidence replaced the named unit: later 429s naming it do not restore it. */
  private overturned = false;
  /** L: W is longer than this, as far as hints rounded up to `grainMs` tell. */
  private floor: number | undefined;

  /**
   * `windowMs` fixes Ŵ instead of learning it; `grainMs` is how far the provider rounds its hints
   * up (0: exact, or unknown), which a learnt Ŵ may be long by.
   */
  constructor(
    windowMs?: number,
    private readonly grainMs = 0,
  ) {
    this.length = windowMs;
  }

  /** Ŵ, once known. */
  get ms(): number | undefined {
    return this.length;
  }

  /** The provider named the window's unit: Ŵ is documented, not learnt. */
  get isNamed(): boolean {
    return this.unit !== undefined;
  }

  /** L, while Ŵ is learnt from hints rounded up to a grain: W lies in (L, Ŵ]. */
  get floorMs(): number | undefined {
    return this.unit === undefined ? this.floor : undefined;
  }

  /** The unit the provider named (its minute on this clock), without the send margin. */
  get unitMs(): number | undefined {
    return this.unit;
  }

  /** How soon after a window hold ends a call still counts as let go at the edge. */
  get edgeMs(): number {
    return (this.length ?? 0) * EDGE_FRACTION;
  }

  /** A 429 named the quota's unit of time, `unitMs` long (a minute, as the client's clock runs). */
  named(unitMs: number): void {
    if (this.unit !== undefined || this.overturned || !(unitMs > 0) || unitMs > MAX_WINDOW_MS) return;
    this.unit = unitMs;
    this.length = unitMs * (1 + NAMED_MARGIN);
  }

  /**
   * The named unit is a prior, not a fact: a window that began empty and refused after `windowMs`
   * rather than the unit (shorter by a quarter or more) is that long, whatever the 429s keep naming.
   */
  overturn(windowMs: number): void {
    if (!(windowMs > 0) || windowMs > MAX_WINDOW_MS) return;
    this.overturned = true;
    this.unit = windowMs;
    this.length = windowMs * (1 + NAMED_MARGIN);
  }

  /** A window-sized 429 at `now` whose hint says the call started at `oldestStart` leaves in `hintMs`. */
  refusedFull(now: number, hintMs: number, oldestStart: number): void {
    if (this.unit !== undefined) return;
    const candidate = now + hintMs - oldestStart;
    if (candidate > 0 && candidate <= MAX_WINDOW_MS) {
      this.length = Math.min(this.length ?? candidate, candidate);
      if (this.grainMs > 0) this.raiseFloor(candidate - this.grainMs);
    }
  }

  /** A trial of a shorter learnt Ŵ (window-trial.ts) sets it, or sets it back. */
  tryLength(ms: number): void {
    if (this.unit === undefined && ms > 0) this.length = ms;
  }

  /** W is longer than `ms`: a trial of it was refused. Never above Ŵ. */
  raiseFloor(ms: number): void {
    const length = this.length;
    if (length === undefined || this.grainMs <= 0) return;
    this.floor = Math.min(length, Math.max(this.floor ?? 0, ms));
  }

  /** A call let go at the window's edge was refused, to wait `hintMs` more. */
  refusedAtEdge(hintMs: number): void {
    const length = this.length;
    if (length === undefined) return;
    const unit = this.unit;
    if (unit !== undefined) {
      const lag = Math.min(Math.max(0, hintMs), unit * EDGE_MARGIN);
      this.length = Math.min(length + lag, unit * (1 + EDGE_FRACTION));
      return;
    }
    this.length = length + Math.min(Math.max(hintMs, length * EDGE_MARGIN), length * EDGE_FRACTION);
  }
}
