import { describe, expect, it } from 'vitest';
import type { LearntQuota, Pacer } from '../../../src/router/pacing/pacer.js';
import { KeyQuota } from '../../../src/router/sharing/key-quota.js';
import { LONE_SHARE, type SharedEstimate } from '../../../src/router/sharing/quota-share.js';

/** A pacer that learnt `learnt` and paces nothing. */
function pacerThatLearnt(learnt: LearntQuota | undefined): Pacer {
  return { pausedUntil: 0, learnt, openAt: (now) => now, started: () => {}, record: () => undefined };
}

const reported: LearntQuota = {
  reported: { windowMs: 60_000, requests: 500, tokens: 60_000, shape: 'token_bucket' },
};

describe('KeyQuota', () => {
  it('is the key’s newest estimate when one is known', () => {
    const e: SharedEstimate = { windowMs: 10_000, requests: 30, learntAt: 5, by: 'b' };
    const q = new KeyQuota({ ...LONE_SHARE, newestEstimate: () => e }, pacerThatLearnt(reported));
    expect(q.at(100)).toBe(e);
  });

  it('is the limits the provider reports, dated from when they were first read, until an estimate is known', () => {
    const q = new KeyQuota({ ...LONE_SHARE, self: 'a' }, pacerThatLearnt(reported));
    const first = {
      windowMs: 60_000,
      requests: 500,
      tokens: 60_000,
      shape: 'token_bucket',
      learntAt: 100,
      by: 'a',
    };
    expect(q.at(100)).toEqual(first);
    expect(q.at(900)).toEqual(first);
  });

  it('is unknown while the provider reports no window or no limit', () => {
    expect(new KeyQuota(LONE_SHARE, pacerThatLearnt(undefined)).at(0)).toBeUndefined();
    const noLimit = pacerThatLearnt({ reported: { windowMs: 60_000 } });
    expect(new KeyQuota(LONE_SHARE, noLimit).at(0)).toBeUndefined();
  });
});
