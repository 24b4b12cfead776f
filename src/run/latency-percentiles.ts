import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';

/** The percentiles a run reports, in milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Relative accuracy of every percentile reported: |q̂ − q| ≤ 1 % of q. */
const RELATIVE_ACCURACY = 0.01;
/** Bins kept at most: with 1 % accuracy they span 1 ms to past a year; the lowest collapse first. */
const BIN_LIMIT = 2048;

/**
 * The one percentile definition of a run (summary, report, progress): a DDSketch (Masson, Rim and
 * Lee, VLDB 2019; Datadog's own implementation), whatever the run's length:
 *
 *   bucket(x) = ⌈log_γ x⌉,  γ = (1 + α) / (1 − α),  α = 1 %
 *   q̂(p)     = 2γ^i / (γ + 1) for the bucket i holding the ⌊p·(n − 1)⌋-th smallest sample
 *            ⇒ |q̂ − q| ≤ α·q for every p and every n
 *
 * Memory is bounded by BIN_LIMIT buckets (about 16 KB), not by the number of samples, so a run of
 * days reports the same kind of number as a run of seconds. Values are rounded to whole ms; the
 * maximum is exact.
 */
export class LatencyPercentiles {
  private readonly sketch = new LogCollapsingLowestDenseDDSketch({
    relativeAccuracy: RELATIVE_ACCURACY,
    binLimit: BIN_LIMIT,
  });

  add(ms: number): void {
    this.sketch.accept(Math.max(0, ms));
  }

  get count(): number {
    return this.sketch.count;
  }

  /** Undefined before the first sample. */
  summary(): Percentiles | undefined {
    if (this.sketch.count === 0) return undefined;
    const at = (q: number) => Math.min(this.sketch.max, Math.round(this.sketch.getValueAtQuantile(q)));
    return { p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: Math.round(this.sketch.max) };
  }
}
