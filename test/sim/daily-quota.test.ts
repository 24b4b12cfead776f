import { describe, expect, it } from 'vitest';
import { DailyQuota } from '../../src/sim/daily-quota.js';

describe('DailyQuota', () => {
  it('admits rpd requests a day and starts over the next day', () => {
    let t = 0;
    const quota = new DailyQuota(2, 0, () => t, 1_000);
    for (let i = 0; i < 2; i += 1) {
      expect(quota.hasRoom()).toBe(true);
      quota.take();
    }
    expect(quota.hasRoom()).toBe(false);
    t = 999;
    expect(quota.hasRoom()).toBe(false);
    expect(quota.resetInMs()).toBe(1);
    t = 1_000;
    expect(quota.hasRoom()).toBe(true);
  });

  it('never refuses without a limit', () => {
    const quota = new DailyQuota(undefined, 0, () => 0);
    for (let i = 0; i < 100; i += 1) quota.take();
    expect(quota.hasRoom()).toBe(true);
  });
});
