import { describe, expect, it } from 'vitest';
import { trialLevels } from '../../../src/router/pacing/trial-levels.js';

const INF = Number.POSITIVE_INFINITY;
const open = { requests: INF, tokens: INF };
const noPeak = { requests: undefined, tokens: undefined };

describe('trialLevels', () => {
  it('steps the requests by the search’s step and the tokens by a call without a ceiling', () => {
    expect(trialLevels({ requests: 30, tokens: 20_000 }, open, noPeak, 1_000, 4)).toEqual({
      requests: 34,
      tokens: 21_000,
      toPeak: false,
    });
  });

  it('goes half way to a token ceiling more than half a call away, and a call past a nearer one', () => {
    const from = { requests: undefined, tokens: 1_000 };
    expect(trialLevels(from, { requests: INF, tokens: 1_400 }, noPeak, 100, 1).tokens).toBe(1_200);
    expect(trialLevels(from, { requests: INF, tokens: 1_080 }, noPeak, 100, 1).tokens).toBe(1_040);
    expect(trialLevels(from, { requests: INF, tokens: 1_040 }, noPeak, 100, 1).tokens).toBe(1_100);
  });

  it('goes back to a peak more than a request or half a call above the level, as a question', () => {
    const to = trialLevels(
      { requests: 30, tokens: undefined },
      open,
      { requests: 60, tokens: undefined },
      1,
      4,
    );
    expect(to).toEqual({ requests: 60, tokens: undefined, toPeak: true });
    const near = trialLevels(
      { requests: 59, tokens: undefined },
      open,
      { requests: 60, tokens: undefined },
      1,
      4,
    );
    expect(near).toEqual({ requests: 63, tokens: undefined, toPeak: false });
    const tokens = trialLevels(
      { requests: undefined, tokens: 20_000 },
      open,
      { requests: undefined, tokens: 40_000 },
      1_800,
      1,
    );
    expect(tokens).toEqual({ requests: undefined, tokens: 40_000, toPeak: true });
  });

  it('steps rather than goes back to the peak while the key is reported full, no higher than it holds', () => {
    const peak = { requests: 10, tokens: undefined };
    const to = trialLevels({ requests: 5, tokens: undefined }, open, peak, 1, 4, { key: { requests: 6.9 } });
    expect(to).toEqual({ requests: 6, tokens: undefined, toPeak: false });
  });

  it('goes no higher than what the key is shown to hold, nor below the level before the trial', () => {
    const peak = { requests: undefined, tokens: 40_000 };
    const from = { requests: undefined, tokens: 20_000 };
    expect(trialLevels(from, open, peak, 1_800, 1, { upTo: { tokens: 24_000 } }).tokens).toBe(24_000);
    expect(trialLevels(from, open, peak, 1_800, 1, { upTo: { tokens: 18_000 } }).tokens).toBe(20_000);
  });

  it('grows a rate half way to its ceiling, by its share without one or when the ceiling is stale, uncapped', () => {
    const from = { requests: undefined, tokens: 2_000 };
    const ceiling = { requests: INF, tokens: 2_400 };
    const upTo = { tokens: 2_100 };
    expect(trialLevels(from, ceiling, noPeak, 100, 1, { growth: 0.5, upTo }).tokens).toBe(2_200);
    expect(trialLevels(from, open, noPeak, 100, 1, { growth: 0.5 }).tokens).toBe(3_000);
    expect(trialLevels(from, ceiling, noPeak, 100, 1, { growth: 0.5, stale: true }).tokens).toBe(3_000);
    // Above its ceiling already: it stays.
    expect(
      trialLevels({ requests: undefined, tokens: 2_500 }, ceiling, noPeak, 100, 1, { growth: 0.5 }).tokens,
    ).toBe(2_500);
  });
});
