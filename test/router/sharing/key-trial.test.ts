import { describe, expect, it } from 'vitest';
import { keyTrial } from '../../../src/router/sharing/key-trial.js';
import type { SharedEstimate } from '../../../src/router/sharing/quota-share.js';

const floor: SharedEstimate = { windowMs: 10_000, requests: 28, floor: true, learntAt: 0, by: 'b' };
const claims = [
  { id: 'a', fraction: 0.5 },
  { id: 'b', fraction: 0.5 },
];

describe('keyTrial', () => {
  it('raises a lower bound by one call, still a lower bound, learnt now', () => {
    expect(keyTrial(10_000, floor, 'a', claims)).toEqual({
      windowMs: 10_000,
      requests: 29,
      floor: true,
      learntAt: 10_000,
    });
  });

  it('waits a window after the level was learnt', () => {
    expect(keyTrial(9_999, floor, 'a', claims)).toBeUndefined();
  });

  it('never tries a reading, nor a key without a request estimate', () => {
    expect(keyTrial(20_000, { ...floor, floor: false }, 'a', claims)).toBeUndefined();
    const { requests: _r, ...tokensOnly } = floor;
    expect(keyTrial(20_000, { ...tokensOnly, tokens: 1_000 }, 'a', claims)).toBeUndefined();
  });

  it('is tried by the claimant with the smallest id, a peer that claims nothing left out', () => {
    expect(keyTrial(10_000, floor, 'b', claims)).toBeUndefined();
    expect(
      keyTrial(10_000, floor, 'b', [
        { id: 'a', fraction: 0 },
        { id: 'b', fraction: 1 },
      ]),
    ).toBeDefined();
  });
});
