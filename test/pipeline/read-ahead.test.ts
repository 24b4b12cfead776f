import { describe, expect, it } from 'vitest';
import { ReadAhead } from '../../src/pipeline/read-ahead.js';

const defaults = { maxInFlight: 1_000, batchSize: 5, maxConcurrency: 10, refreshMs: 0 };

describe('ReadAhead', () => {
  it('reads two rounds of every call slot ahead while nothing is known', () => {
    const r = new ReadAhead(defaults);
    expect(r.bound(0, () => [])).toBe(100);
    expect(r.bound(0, () => [{ fraction: 1 }])).toBe(100);
  });

  it('reads what a third of a learnt quota serves in its window when three instances share the key', () => {
    const r = new ReadAhead(defaults);
    // 90 calls per 10 s, a third of them ours, 5 pages a call: 150 pages.
    expect(r.bound(0, () => [{ windowMs: 10_000, requests: 90, fraction: 1 / 3 }])).toBe(150);
    // Alone on the key, the same quota serves 450.
    expect(r.bound(0, () => [{ windowMs: 10_000, requests: 90, fraction: 1 }])).toBe(450);
  });

  it('adds up what every provider can serve, and never reads past max-in-flight', () => {
    const r = new ReadAhead(defaults);
    const quotas = [
      { windowMs: 60_000, requests: 15, fraction: 1 },
      { windowMs: 60_000, requests: 500, fraction: 1 },
    ];
    expect(r.bound(0, () => quotas)).toBe(1_000);
    expect(r.bound(0, () => quotas.slice(0, 1))).toBe(100);
  });

  it('follows what the pipeline is seen to finish in a window, cache hits included', () => {
    const r = new ReadAhead(defaults);
    const quotas = () => [{ windowMs: 10_000, requests: 30, fraction: 1 }];
    expect(r.bound(0, quotas)).toBe(150);
    for (let t = 0; t < 10_000; t += 10) r.finished(t, 4);
    expect(r.bound(10_000, quotas)).toBe(1_000);
    // A quiet window later, it is back to what the quota serves.
    expect(r.bound(20_300, quotas)).toBe(150);
  });

  it('measures what finished over the shortest quota window known, else ten seconds', () => {
    const r = new ReadAhead(defaults);
    for (let t = 0; t < 30_000; t += 100) r.finished(t, 1);
    expect(r.bound(30_000, () => [])).toBe(100);
    expect(r.bound(30_000, () => [{ windowMs: 20_000, fraction: 1 }])).toBe(200);
  });

  it('answers from what it computed last within the refresh interval', () => {
    const r = new ReadAhead({ ...defaults, refreshMs: 100 });
    let asked = 0;
    const quotas = () => {
      asked += 1;
      return [{ windowMs: 10_000, requests: 90, fraction: 1 }];
    };
    expect(r.bound(0, quotas)).toBe(450);
    expect(r.bound(99, quotas)).toBe(450);
    expect(asked).toBe(1);
    r.bound(100, quotas);
    expect(asked).toBe(2);
  });

  it('keeps the floor within max-in-flight when that is set low', () => {
    const r = new ReadAhead({ ...defaults, maxInFlight: 20 });
    expect(r.bound(0, () => [])).toBe(20);
  });
});
