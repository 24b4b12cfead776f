import { describe, expect, it } from 'vitest';
import { LatencyPercentiles } from '../../src/run/latency-percentiles.js';

/** A seeded LCG, so the samples are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Exact nearest-rank percentile of sorted samples. */
const exact = (sorted: number[], q: number) =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;

describe('LatencyPercentiles', () => {
  it('reports nothing before the first sample', () => {
    expect(new LatencyPercentiles().summary()).toBeUndefined();
  });

  it('stays within 1 % (plus rounding) of the exact percentiles of a long-tailed sample', () => {
    const random = lcg(7);
    const p = new LatencyPercentiles();
    const samples: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      // log-normal-ish: most calls near 800 ms, a tail to minutes
      const ms = Math.round(800 * Math.exp(1.2 * (random() + random() + random() - 1.5)));
      samples.push(ms);
      p.add(ms);
    }
    samples.sort((a, b) => a - b);
    const s = p.summary();
    for (const q of [0.5, 0.9, 0.95, 0.99] as const) {
      const key = `p${Math.round(q * 100)}` as 'p50' | 'p90' | 'p95' | 'p99';
      const truth = exact(samples, q);
      expect(Math.abs((s?.[key] ?? 0) - truth), `${key}: ${s?.[key]} vs ${truth}`).toBeLessThanOrEqual(
        0.011 * truth + 1,
      );
    }
    expect(s?.max).toBe(samples.at(-1));
    expect(p.count).toBe(200_000);
  });

  it('stays accurate over the range of a run of days: a million samples log-uniform from 1 ms to 3 days', () => {
    const p = new LatencyPercentiles();
    const random = lcg(3);
    const top = 3 * 86_400_000;
    const samples = new Float64Array(1_000_000);
    for (let i = 0; i < samples.length; i++) {
      samples[i] = Math.exp(random() * Math.log(top));
      p.add(samples[i] as number);
    }
    samples.sort();
    const s = p.summary();
    for (const [q, got] of [
      [0.5, s?.p50],
      [0.99, s?.p99],
    ] as const) {
      const truth = samples[Math.ceil(q * samples.length) - 1] as number;
      expect(Math.abs((got ?? 0) - truth)).toBeLessThanOrEqual(0.011 * truth + 1);
    }
  });

  it('counts zero-millisecond samples', () => {
    const p = new LatencyPercentiles();
    for (let i = 0; i < 10; i++) p.add(0);
    p.add(100);
    expect(p.summary()).toMatchObject({ p50: 0, max: 100 });
  });
});
