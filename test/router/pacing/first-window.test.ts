import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import { shorterThanUnit, slidingOver } from '../../../src/router/pacing/first-window.js';

describe('first window', () => {
  it('doubts the named unit only for a window shorter by more than a quarter', () => {
    expect(shorterThanUnit(4_400, 6_000)).toBe(true);
    expect(shorterThanUnit(4_600, 6_000)).toBe(false);
    expect(shorterThanUnit(8_100, 6_000)).toBe(false);
    expect(shorterThanUnit(undefined, 6_000)).toBe(false);
  });

  it('explains a 429 whose room frees as a call of ours leaves the shorter window', () => {
    const ledger = new CallLedger();
    for (const t of [1_000, 1_500, 2_000]) ledger.admit(t, 1);
    // Sent at 4 000, freed at 4 000 + 1 000: the call of 1 000 leaves a 3 s window then.
    expect(slidingOver(ledger, 3_000, 4_000, 4_000 + 1_000, 6_000)).toBe(true);
    // Freed at 6 000: a − w = 3 000, after the call was sent; no call of ours leaves then.
    expect(slidingOver(ledger, 3_000, 2_500, 6_000, 6_000)).toBe(false);
    // A window not short enough to doubt the unit explains nothing.
    expect(slidingOver(ledger, 5_000, 4_000, 6_000, 6_000)).toBe(false);
  });
});
