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

  it('compares a call only with calls of its own size: a batch eight times larger answering four times slower is no slowdown', () => {
    const g = new LatencyGradient();
    g.observe(80, 1_400);
    expect(g.observe(320, 11_000)).toBe(1);
    // short 320 + 0.3 · 40 = 332, long 320 + 0.05 · 40 = 322
    expect(g.observe(360, 12_000)).toBeCloseTo(332 / 322);
    expect(g.shortMs).toBeCloseTo(332);
    // The small calls keep their own averages.
    expect(g.observe(80, 1_500)).toBeCloseTo(1);
    expect(g.shortMs).toBeCloseTo(80);
  });

  it('still rises when calls of one size slow down, whatever calls of other sizes do', () => {
    const g = new LatencyGradient();
    g.observe(100, 1_000);
    g.observe(800, 16_000);
    expect(g.observe(300, 1_023)).toBeCloseTo(160 / 110);
  });

  it('takes calls of unknown size as one class', () => {
    const g = new LatencyGradient();
    g.observe(100);
    expect(g.observe(300)).toBeCloseTo(160 / 110);
    expect(g.observe(1_000, 20_000)).toBe(1);
  });

  it('ignores a latency that is not a duration', () => {
    const g = new LatencyGradient();
    g.observe(100);
    expect(g.observe(Number.NaN)).toBe(1);
    expect(g.observe(-5)).toBe(1);
    expect(g.shortMs).toBe(100);
  });
});
