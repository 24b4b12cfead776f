/**
 * How fast calls are coming back now against how fast calls of the same size usually do: per size
 * class c, two exponentially weighted moving averages of latency, short (α 0.3) and long (α 0.05),
 *
 *   c       = ⌊log₂ size⌋          (size: the call's prompt tokens; one class when it is unknown)
 *   short_c ← short_c + 0.3 · (x − short_c),   long_c ← long_c + 0.05 · (x − long_c)   (start at x)
 *   g       = short_c / long_c     (1 when steady, above 1 when calls are slowing down)
 *
 * An LLM's answer takes longer the more it writes, so a batch eight times larger answering four
 * times slower is not a provider queueing: only calls in one power-of-two band of prompt tokens
 * are compared (as the call deadline compares only calls at least half a call's size). A latency
 * that is not a finite number ≥ 0 is ignored (g = 1). Pure.
 */
const SHORT_ALPHA = 0.3;
const LONG_ALPHA = 0.05;

interface Averages {
  short: number;
  long: number;
}

export class LatencyGradient {
  private readonly classes = new Map<number, Averages>();
  private last: Averages | undefined;

  /** The short average of the calls last seen: the round trip as it is now, once a call has been seen. */
  get shortMs(): number | undefined {
    return this.last?.short;
  }

  /** Takes one call's latency and, when known, its size; returns g within its size class. */
  observe(latencyMs: number, size?: number): number {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return 1;
    const c = size !== undefined && Number.isFinite(size) && size >= 1 ? Math.floor(Math.log2(size)) : -1;
    let a = this.classes.get(c);
    if (a === undefined) {
      a = { short: latencyMs, long: latencyMs };
      this.classes.set(c, a);
    } else {
      a.short += SHORT_ALPHA * (latencyMs - a.short);
      a.long += LONG_ALPHA * (latencyMs - a.long);
    }
    this.last = a;
    return a.long > 0 ? a.short / a.long : 1;
  }
}
