import { describe, expect, it } from 'vitest';
import { sumOverlap, UsageBuckets } from '../../../src/router/sharing/usage-buckets.js';

describe('UsageBuckets', () => {
  it('counts calls in the bucket their time falls in', () => {
    const u = new UsageBuckets(100);
    u.add(1_010, 1, 50);
    u.add(1_090, 1, 70);
    u.add(1_100, 1, 10);
    expect(u.since(0)).toEqual([
      { start: 1_000, requests: 2, tokens: 120 },
      { start: 1_100, requests: 1, tokens: 10 },
    ]);
  });

  it('counts a bucket whole in a window while any part of it is inside, so calls never leave early', () => {
    const u = new UsageBuckets(100);
    u.add(1_000, 4, 400);
    u.add(1_150, 2, 200);
    expect(u.usage(900, 1_200)).toEqual({ requests: 6, tokens: 600 });
    expect(u.usage(1_099, 1_200)).toEqual({ requests: 6, tokens: 600 });
    expect(u.usage(1_100, 1_200)).toEqual({ requests: 2, tokens: 200 });
    expect(u.usage(800, 999)).toEqual({ requests: 0, tokens: 0 });
  });

  it('takes corrections as negative usage and never reports less than none', () => {
    const u = new UsageBuckets(100);
    u.add(1_000, 1, 100);
    u.add(1_010, -1, -100);
    expect(u.usage(0, 2_000)).toEqual({ requests: 0, tokens: 0 });
    expect(u.since(0)).toEqual([]);
    expect(sumOverlap([{ start: 0, width: 100, requests: -3, tokens: -1 }], 0, 100)).toEqual({
      requests: 0,
      tokens: 0,
    });
  });

  it('counts a bucket reported before it filled out of a window once the part that had passed is out', () => {
    const spans = [
      { start: 1_000, width: 40, requests: 4, tokens: 40 },
      { start: 2_000, width: 0, requests: 1, tokens: 10 },
    ];
    expect(sumOverlap(spans, 1_039, 3_000)).toEqual({ requests: 5, tokens: 50 });
    expect(sumOverlap(spans, 1_040, 3_000)).toEqual({ requests: 1, tokens: 10 });
    expect(sumOverlap(spans, 1_999, 2_000)).toEqual({ requests: 1, tokens: 10 });
    expect(sumOverlap(spans, 2_000, 2_100)).toEqual({ requests: 0, tokens: 0 });
  });

  it('drops the buckets that end at or before the bound it is pruned to', () => {
    const u = new UsageBuckets(100);
    u.add(1_000, 1, 1);
    u.add(1_100, 1, 1);
    u.prune(1_100);
    expect(u.since(0).map((b) => b.start)).toEqual([1_100]);
  });

  it('refuses a bucket width that is not positive', () => {
    expect(() => new UsageBuckets(0)).toThrow(RangeError);
  });
});
