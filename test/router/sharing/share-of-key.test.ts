import { describe, expect, it } from 'vitest';
import { shareOfKey } from '../../../src/router/sharing/share-of-key.js';

const backlog = (id: string) => ({ id, waiting: 3, usage: { requests: 10, tokens: 1_000 } });

describe('shareOfKey', () => {
  it('splits equally among claimants while no capacity is known', () => {
    expect(shareOfKey('a', [backlog('a'), backlog('b'), backlog('c')], undefined, 0.5)).toBeCloseTo(1 / 3);
  });

  it('shares only what departed instances’ calls leave free of the window', () => {
    const capacity = { amount: 30, byTokens: false, departed: 6 };
    expect(shareOfKey('a', [backlog('a'), backlog('b')], capacity, 0.5)).toBeCloseTo((1 / 2) * (24 / 30));
    expect(shareOfKey('a', [backlog('a')], capacity, 0.5)).toBeCloseTo(24 / 30);
  });

  it('counts demand in tokens when the capacity is in tokens', () => {
    const light = { id: 'light', waiting: 0, usage: { requests: 2, tokens: 2_000 } };
    const capacity = { amount: 20_000, byTokens: true, departed: 0 };
    // light: (2000·1.5 + 1000)/20000 = 0.2; the backlog takes the rest.
    expect(shareOfKey('light', [light, backlog('b')], capacity, 0.5)).toBeCloseTo(0.2);
    expect(shareOfKey('b', [light, backlog('b')], capacity, 0.5)).toBeCloseTo(0.8);
  });

  it('never answers nothing, even when departed calls hold the whole window', () => {
    const share = shareOfKey('a', [backlog('a')], { amount: 30, byTokens: false, departed: 40 }, 0.5);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1e-9);
  });

  it('gives an instance that stopped calling no headroom: what its calls hold, and the rest to the backlogs', () => {
    const capacity = { amount: 30, byTokens: false, departed: 0 };
    const finished = { id: 'done', waiting: 0, usage: { requests: 6, tokens: 600 }, active: false };
    const calling = { ...finished, id: 'calling', active: true };
    // Still calling: (6·1.5 + 1)/30 = 1/3. Stopped: 6/30, and the backlog has the other 24.
    expect(shareOfKey('calling', [calling, backlog('b')], capacity, 0.5)).toBeCloseTo(10 / 30);
    expect(shareOfKey('b', [calling, backlog('b')], capacity, 0.5)).toBeCloseTo(20 / 30);
    expect(shareOfKey('done', [finished, backlog('b')], capacity, 0.5)).toBeCloseTo(6 / 30);
    expect(shareOfKey('b', [finished, backlog('b')], capacity, 0.5)).toBeCloseTo(24 / 30);
  });
});
