/**
 * How fast calls are coming back now against how fast they usually do: two exponentially weighted
 * moving averages of latency, short (α 0.3) and long (α 0.05),
 *
 *   short ← short + 0.3 · (x − short),   long ← long + 0.05 · (x − long)    (both start at x)
 *   g     = short / long                 (1 when steady, above 1 when calls are slowing down)
 *
 * A latency that is not a finite number ≥ 0 is ignored (g = 1). Pure.
 */
const SHORT_ALPHA = 0.3;
const LONG_ALPHA = 0.05;

export class LatencyGradient {
  private short: number | undefined;
  private long: number | undefined;

  /** The short average: the round trip as it is now, once a call has been seen. */
  get shortMs(): number | undefined {
    return this.short;
  }

  /** Takes one call's latency; returns g. */
  observe(latencyMs: number): number {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return 1;
    this.short = this.short === undefined ? latencyMs : this.short + SHORT_ALPHA * (latencyMs - this.short);
    this.long = this.long === undefined ? latencyMs : this.long + LONG_ALPHA * (latencyMs - this.long);
    return this.long > 0 ? this.short / this.long : 1;
  }
}
