import { describe, expect, it } from 'vitest';
import { describeQuota } from '../../src/run/summary.js';

describe('the summary’s quota line', () => {
  it('names the quota learnt, its shape and this instance’s share of the key', () => {
    const line = describeQuota({
      provider: 'openai',
      window_ms: 5_000,
      requests: 30,
      tokens: 40_000,
      shape: 'sliding',
      share: 0.333,
      instances: 3,
    });
    expect(line).toBe(
      'openai 30 requests + 40000 tokens / 5 s (sliding) · this instance 0.333 of 3 sharing the key',
    );
  });

  it('says when nothing was learnt yet and when the instance is alone on its key', () => {
    expect(describeQuota({ provider: 'gemini', share: 1, instances: 1 })).toBe(
      'gemini not learnt · this instance alone',
    );
  });

  it('shows a window a 429 showed before the window has been counted', () => {
    expect(describeQuota({ provider: 'gemini', window_ms: 60_100, share: 1, instances: 1 })).toBe(
      'gemini window 60.1 s, not counted yet · this instance alone',
    );
  });
});
