import { describe, expect, it } from 'vitest';
import { DistinctCount } from '../../src/run/distinct-count.js';

describe('DistinctCount', () => {
  it('counts exactly up to its limit, however often a key repeats', () => {
    const count = new DistinctCount(1000);
    for (let round = 0; round < 3; round++) for (let i = 0; i < 1000; i++) count.add(`PAGE-${i}`);
    expect(count.exact).toBe(true);
    expect(count.size).toBe(1000);
  });

  it('switches to an estimate past its limit, within 3 % of the true count', () => {
    for (const n of [1500, 20_000, 300_000]) {
      const count = new DistinctCount(1000);
      for (let i = 0; i < n; i++) count.add(`DOC-${i}`);
      expect(count.exact).toBe(false);
      expect(Math.abs(count.size - n) / n).toBeLessThan(0.03);
    }
  });

  it('does not count repeated keys again once it estimates', () => {
    const count = new DistinctCount(100);
    for (let i = 0; i < 5000; i++) count.add(`p${i}`);
    const first = count.size;
    for (let i = 0; i < 5000; i++) count.add(`p${i}`);
    expect(count.size).toBe(first);
  });

  it('estimates a million distinct page ids within 2 %', () => {
    const count = new DistinctCount();
    for (let i = 0; i < 1_000_000; i++) count.add(`SPACE${i % 7}-${i}`);
    expect(count.exact).toBe(false);
    expect(Math.abs(count.size - 1_000_000) / 1_000_000).toBeLessThan(0.02);
  });

  it('rejects a precision outside 4..16', () => {
    expect(() => new DistinctCount(10, 20)).toThrow(/precision/);
  });
});
