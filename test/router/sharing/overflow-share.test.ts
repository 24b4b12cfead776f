import { describe, expect, it } from 'vitest';
import { overflowShare } from '../../../src/router/sharing/overflow-share.js';

const requests = (n: number, fraction: number) => ({
  id: `p${n}`,
  usage: { requests: n, tokens: 0 },
  fraction,
});
const cut = (f: number, claims: ReturnType<typeof requests>[]) =>
  overflowShare(f, claims, 30, 1, (u) => u.requests);

describe('overflowShare', () => {
  it('takes nothing while every peer holds at most its part', () => {
    expect(cut(1 / 3, [requests(10, 1 / 3), requests(4, 1 / 3)])).toBe(0);
  });

  it('lets a peer over its part by one call (a bucket at the window’s edge) count as within it', () => {
    expect(cut(1 / 3, [requests(11, 1 / 3), requests(10, 1 / 3)])).toBe(0);
  });

  it('splits what a peer over its part holds among the others by their parts, so together they fill the key', () => {
    // c held the key alone (24 calls), its part is now a third: a and b share the 6 left.
    const a = cut(1 / 3, [requests(24, 1 / 3), requests(0, 1 / 3)]);
    expect(a).toBeCloseTo(7);
    expect(10 - a + (10 - a) + 24).toBeCloseTo(30);
  });

  it('is nothing for an instance that claims nothing', () => {
    expect(cut(0, [requests(30, 0)])).toBe(0);
  });
});
