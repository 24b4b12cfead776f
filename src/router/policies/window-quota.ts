/**
 * Learns a sliding-window request quota from its 429s and keeps new calls inside it — the pacing
 * half of the adaptive policy. Providers meter requests (and tokens) over a sliding window, and a
 * 429's retry hint says when the oldest admitted request leaves it. With s₀ the first admitted
 * start ever seen, and "admitted" = the call succeeded (its start is what the provider counted):
 *
 *   first window-sized 429 at t, hint h    Ŵ = t + h − s₀   (the window was empty when we began;
 *                                          a minute for real providers, less in a time-scaled bench)
 *   window-sized 429 at t                  once the calls in flight at t have reported (the pause
 *                                          for h is over): R̂ = #{admitted starts s ∈ (t − Ŵ, t]}
 *   before a freed slot is reused          used = #{admitted s ∈ (now − Ŵ, now]} + inFlight
 *                                          used + 1 > R̂  ⇒  hold until s₍used + 1 − R̂₎ + Ŵ
 *   any other 429                          R̂ ← R̂ − 1 (the window held fewer than R̂ after all)
 *   3 windows without a 429, holding       R̂ ← R̂ + 1 (the quota grew, or R̂ came from a partial window)
 *
 * The hint serves to know when to count and how long the window is, never how many it holds, so
 * whole-second rounding of hints costs little. Until R̂ is known it holds nothing; a wrong R̂ is
 * corrected by the next 429 (too high) or by the quiet-window growth (too low).
 */
const QUIET_WINDOWS = 3;
/** No provider meters over more than this; a longer "window" is a daily quota or a bad hint. */
export const MAX_WINDOW_MS = 120_000;

export class WindowQuota {
  /** Start times of admitted calls, ascending, kept for two windows (R̂ is counted a window back). */
  private readonly starts: number[] = [];
  private firstStart: number | undefined;
  private window: number | undefined;
  private estimate: number | undefined;
  private pendingRefusal: { at: number; until: number } | undefined;
  private lastRefusalAt = Number.NEGATIVE_INFINITY;
  private lastGrowthAt = Number.NEGATIVE_INFINITY;
  private lastHeldAt = Number.NEGATIVE_INFINITY;

  /** `windowMs` fixes Ŵ instead of learning it. */
  constructor(windowMs?: number) {
    this.window = windowMs;
  }

  /** R̂, once learnt. */
  get quota(): number | undefined {
    return this.estimate;
  }

  /** Ŵ, once learnt. */
  get windowMs(): number | undefined {
    return this.window;
  }

  admitted(startedAt: number, now: number): void {
    this.firstStart = Math.min(this.firstStart ?? startedAt, startedAt);
    let i = this.starts.length;
    while (i > 0 && (this.starts[i - 1] ?? 0) > startedAt) i -= 1;
    this.starts.splice(i, 0, startedAt);
    this.settle(now);
  }

  /** A 429. `windowFull`: its hint was long enough to be the window's (not a momentary cap). */
  refused(now: number, retryAfterMs: number, windowFull: boolean): void {
    this.lastRefusalAt = now;
    if (windowFull) {
      if (this.window === undefined && this.firstStart !== undefined) {
        const learnt = now + retryAfterMs - this.firstStart;
        if (learnt > 0 && learnt <= MAX_WINDOW_MS) this.window = learnt;
      }
      this.pendingRefusal = { at: now, until: now + retryAfterMs };
    } else if (this.estimate !== undefined) {
      this.estimate = Math.max(1, this.estimate - 1);
    }
  }

  /** The earliest time a new call may start without passing R̂, given `inFlight` calls out. */
  openAt(now: number, inFlight: number): number {
    this.settle(now);
    if (this.estimate === undefined || this.window === undefined) return now;
    const first = this.firstAfter(now - this.window);
    const used = this.starts.length - first + inFlight;
    if (used + 1 <= this.estimate) return now;
    this.lastHeldAt = now;
    const leaving = this.starts[first + used - this.estimate];
    // Undefined when calls in flight alone fill the window: wait for one of them to report.
    return leaving === undefined ? now : leaving + this.window;
  }

  /** Index of the first start after `time`. */
  private firstAfter(time: number): number {
    let i = 0;
    while (i < this.starts.length && (this.starts[i] ?? 0) <= time) i += 1;
    return i;
  }

  private settle(now: number): void {
    const w = this.window ?? MAX_WINDOW_MS;
    // Keep two windows, and whatever a pending count still needs.
    const cutoff = Math.min(now - 2 * w, (this.pendingRefusal?.at ?? now) - w);
    const drop = this.firstAfter(cutoff);
    if (drop > 0) this.starts.splice(0, drop);
    const refusal = this.pendingRefusal;
    if (refusal !== undefined && now >= refusal.until && this.window !== undefined) {
      const from = refusal.at - this.window;
      const count = this.starts.filter((s) => s > from && s <= refusal.at).length;
      if (count > 0) this.estimate = count;
      this.pendingRefusal = undefined;
      this.lastGrowthAt = now;
    }
    if (
      this.estimate !== undefined &&
      this.window !== undefined &&
      now - this.lastRefusalAt >= QUIET_WINDOWS * this.window &&
      now - this.lastGrowthAt >= this.window &&
      now - this.lastHeldAt < this.window
    ) {
      this.estimate += 1;
      this.lastGrowthAt = now;
    }
  }
}
