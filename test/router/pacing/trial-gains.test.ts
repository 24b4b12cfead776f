import { describe, expect, it } from 'vitest';
import { TrialGains } from '../../../src/router/pacing/trial-gains.js';

describe('TrialGains', () => {
  it('sees a gain where a level stands above what the last count set', () => {
    const gains = new TrialGains();
    expect(gains.above({ requests: 12, tokens: 5_000 })).toBe(false);
    gains.count('requests', 10);
    expect(gains.above({ requests: 10, tokens: 5_000 })).toBe(false);
    expect(gains.above({ requests: 11, tokens: 5_000 })).toBe(true);
    gains.count('tokens', 4_000);
    expect(gains.above({ requests: 10, tokens: 4_001 })).toBe(true);
  });

  it('halves a token gain and takes one request off a request gain, never below the count', () => {
    const gains = new TrialGains();
    gains.count('requests', 10);
    gains.count('tokens', 1_000);
    expect(gains.halved({ requests: 14, tokens: 1_400 })).toEqual({ requests: 13, tokens: 1_200 });
    expect(gains.halved({ requests: 10, tokens: 900 })).toEqual({ requests: 10, tokens: 900 });
  });

  it('forgets every gain, and leaves a level no count has set', () => {
    const gains = new TrialGains();
    gains.count('tokens', 1_000);
    expect(gains.forgotten({ requests: 14, tokens: 1_400 })).toEqual({ requests: 14, tokens: 1_000 });
    expect(gains.forgotten({ requests: undefined, tokens: 800 })).toEqual({
      requests: undefined,
      tokens: 800,
    });
  });
});
