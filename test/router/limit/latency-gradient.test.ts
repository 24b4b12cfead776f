import { describe, expect, it } from 'vitest';
import { LatencyGradient } from '../../../src/router/limit/latency-gradient.js';

describe('LatencyGradient', () => {
  it('is 1 while calls take as long as they always have', () => {
    const g = new LatencyGradient();
    for (let i = 0; i < 20; i += 1) expect(g.observe(100)).toBe(1);
    expect(g.shortMs).toBe(100);
  });

  it('rises above 1 when calls slow down, the short average leading the long one', () => {
    const g = new LatencyGradient();
    g.observe(100);
    // short 100 + 0.3 · 200 = 160, long 100 + 0.05 · 200 = 110
    expect(g.observe(300)).toBeCloseTo(160 / 110);
    expect(g.shortMs).toBeCloseTo(160);
  });

  it('ignores a latency that is not a duration', () => {
    const g = new LatencyGradient();
    g.observe(100);
    expect(g.observe(Number.NaN)).toBe(1);
    expect(g.observe(-5)).toBe(1);
    expect(g.shortMs).toBe(100);
  });
});
