import { describe, expect, it } from 'vitest';
import { SimStats } from '../../src/sim/sim-stats.js';

describe('SimStats', () => {
  it('reports the longest time between two requests, and when the first and last came', () => {
    let now = 1_000;
    const stats = new SimStats(1_000, () => now);
    expect(stats.snapshot().requestGap).toBeUndefined();
    for (const at of [1_500, 1_700, 9_700, 10_000]) {
      now = at;
      stats.noteRequest();
    }
    expect(stats.snapshot().requestGap).toEqual({ longestMs: 8_000, firstAtMs: 500, lastAtMs: 9_000 });
    stats.reset();
    expect(stats.snapshot().requestGap).toBeUndefined();
  });
});
