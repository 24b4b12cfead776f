import { describe, expect, it } from 'vitest';
import { FixedBoundary } from '../../../src/router/pacing/fixed-boundary.js';

/** A minute of 6 s: the first margin is W/600 = 10 ms, the largest W/60 = 100 ms, ε = W/300 = 20 ms. */
const W = 6_000;

describe('FixedBoundary', () => {
  it('sets the boundary where a fixed window’s 429 frees, with a margin of W/600 at least', () => {
    const fixed = new FixedBoundary();
    fixed.refusedAt(4_000, W);
    expect(fixed.at).toBe(4_000);
    expect(fixed.margin).toBe(10);
  });

  it('doubles its margin, up to W/60, each time a call sent just after the boundary is refused for a moment', () => {
    const fixed = new FixedBoundary();
    fixed.refusedAt(4_000, W);
    const margins = [];
    // Sent 5 ms after the boundary of 10 000, refused for 10 ms: it reached the provider before it.
    for (let i = 0; i < 4; i += 1) {
      expect(fixed.refusedAtEdge(10_005, 10, W)).toBe(true);
      margins.push(fixed.margin);
    }
    expect(margins).toEqual([20, 40, 80, 100]);
  });

  it('takes a long wait, or one that ends off the boundary, for no lagging send', () => {
    const fixed = new FixedBoundary();
    fixed.refusedAt(4_000, W);
    expect(fixed.refusedAtEdge(10_005, 200, W)).toBe(false);
    expect(fixed.refusedAtEdge(13_000, 10, W)).toBe(false);
    expect(fixed.margin).toBe(10);
  });

  it('has no edge to speak of before a boundary is seen', () => {
    expect(new FixedBoundary().refusedAtEdge(10_005, 10, W)).toBe(false);
  });

  it('forgets the boundary when another shape is believed, and keeps the margin', () => {
    const fixed = new FixedBoundary();
    fixed.refusedAt(4_000, W);
    fixed.refusedAtEdge(10_005, 10, W);
    fixed.clear();
    expect(fixed.at).toBeUndefined();
    expect(fixed.margin).toBe(20);
  });
});
