import { describe, expect, it } from 'vitest';
import { StaleCeiling } from '../../../src/router/pacing/stale-ceiling.js';

describe('StaleCeiling', () => {
  it('lets a trial past the ceiling after eight quiet windows', () => {
    expect(new StaleCeiling().quietWindows).toBe(8);
  });

  it('waits twice as long after each refused trial of a rate, up to 64 windows', () => {
    const ceiling = new StaleCeiling();
    const waits = [];
    for (let i = 0; i < 5; i += 1) {
      ceiling.trialStarted(true);
      ceiling.trialRefused(true);
      waits.push(ceiling.quietWindows);
    }
    expect(waits).toEqual([16, 32, 64, 64, 64]);
  });

  it('keeps its wait when a window quota’s trial is refused', () => {
    const ceiling = new StaleCeiling();
    ceiling.trialStarted(true);
    ceiling.trialRefused(false);
    expect(ceiling.quietWindows).toBe(8);
  });

  it('does not count a refused trial that no stale ceiling let go', () => {
    const ceiling = new StaleCeiling();
    ceiling.trialStarted(false);
    ceiling.trialRefused(true);
    expect(ceiling.quietWindows).toBe(8);
  });

  it('goes back to eight windows once a stale trial after a refused one holds', () => {
    const ceiling = new StaleCeiling();
    ceiling.trialStarted(true);
    ceiling.trialRefused(true);
    // The next stale trial keeps the doubled wait; it holds (no 429), and the one after starts afresh.
    ceiling.trialStarted(true);
    expect(ceiling.quietWindows).toBe(16);
    ceiling.trialStarted(true);
    expect(ceiling.quietWindows).toBe(8);
  });
});
