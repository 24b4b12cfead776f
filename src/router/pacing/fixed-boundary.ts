import { MARGIN, TOLERANCE } from './pending-refusal.js';
import { offBoundary } from './refusal-shape.js';

/**
 * A fixed window's timing as its 429s show it: the boundary φ its room frees on, and the margin m
 * its calls wait after each boundary (fixed-window-room.ts) — a send within m of φ may reach the
 * provider on either side of it. Over the unit W:
 *
 *   boundary  a fixed window's 429 frees at a:      φ ← a,   m ← max(m, W/600)
 *   edge      a call let go as a hold ended, refused for a moment (h ≤ W/60) with a ≡ φ (within ε):
 *             it reached the provider before the boundary,   m ← min(W/60, max(2m, h + W/600))
 *
 * φ goes when another shape is believed; m stays. Pure.
 */
const MAX_MARGIN = 1 / 60;

export class FixedBoundary {
  private phi: number | undefined;
  private m = 0;

  /** φ, while a fixed window is believed. */
  get at(): number | undefined {
    return this.phi;
  }

  /** m. */
  get margin(): number {
    return this.m;
  }

  /** A fixed window's 429 frees at `release`, over a unit of `unit`. */
  refusedAt(release: number, unit: number): void {
    this.phi = release;
    this.m = Math.max(this.m, unit * MARGIN);
  }

  /**
   * A call sent at `sent`, let go as a hold ended, was refused for `hint`: returns true when that
   * was a send that lagged past φ (the margin doubles), news about timing alone.
   */
  refusedAtEdge(sent: number, hint: number, unit: number): boolean {
    // Sent just after the boundary and refused for a moment: it reached the provider before.
    if (hint > unit * MAX_MARGIN || this.phi === undefined) return false;
    if (offBoundary(sent + hint - this.phi, unit) > unit * TOLERANCE) return false;
    this.m = Math.min(unit * MAX_MARGIN, Math.max(2 * this.m, hint + unit * MARGIN));
    return true;
  }

  /** Another shape is believed: φ goes. */
  clear(): void {
    this.phi = undefined;
  }
}
