import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import type { PendingRefusal } from '../../../src/router/pacing/pending-refusal.js';
import { QuotaEstimates } from '../../../src/router/pacing/quota-estimates.js';
import { readFixed, readSliding } from '../../../src/router/pacing/window-readings.js';

describe('readSliding', () => {
  it('raises no request quota on the 429 that ended a trial of one more, whatever the window seems to hold', () => {
    const ledger = new CallLedger();
    for (const start of [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1_001, 1_002]) {
      ledger.started({ start, estimate: 10, edge: false });
      ledger.admit(start, 10);
    }
    const quota = new QuotaEstimates();
    quota.count('requests', 10, 100, 0);
    // The trial's call, sent at 1 000, refused until the call at 0 leaves; two calls sent after
    // it reached the window first (their sends lagged less): the window seems to hold eleven.
    const refusal: PendingRefusal = {
      at: 1_003,
      sent: 1_000,
      release: 1_001,
      until: 1_004,
      quota: 'requests',
      shape: 'sliding',
      estimate: 10,
      afterTrial: true,
    };
    readSliding(ledger, quota, 1_000, 1_000, refusal, 1_004);
    expect(quota.requests).toBe(10);
  });

  it('takes calls let go at the leaving call’s own instant as leaving with it in any order, not as a quota that dropped', () => {
    // A minute of 6 000 at ~20k tokens: five calls let go together at 0 (8 000 tokens), four at
    // 400 (6 000), one at 5 000 (1 500); the call of 2 000 sent at 5 500 frees as the burst at 0 leaves.
    const ledger = new CallLedger();
    const admit = (start: number, cost: number): void => {
      ledger.started({ start, estimate: cost, edge: false });
      ledger.admit(start, cost);
    };
    for (const cost of [2_000, 1_000, 1_500, 1_500, 2_000]) admit(0, cost);
    for (let i = 0; i < 4; i += 1) admit(400, 1_500);
    admit(5_000, 1_500);
    const quota = new QuotaEstimates();
    quota.count('tokens', 10, 20_000, 0);
    const refusal: PendingRefusal = {
      at: 5_503,
      sent: 5_500,
      release: 6_000,
      until: 6_000,
      quota: 'tokens',
      shape: 'sliding',
      estimate: 2_000,
    };
    readSliding(ledger, quota, 6_000, 6_000, refusal, 6_001);
    // Read as if the burst left alone, 7 500 stay + 2 000: a quota that fell to half. Which of the
    // five must leave is not known: the quota lies in [9 500, 17 500), and 20k was too high.
    expect(quota.tokens).toBeGreaterThan(15_000);
    expect(quota.tokens).toBeLessThan(20_000);
  });
});

describe('readFixed', () => {
  it('reads nothing from a token 429 when none of our calls started before it in its window', () => {
    const ledger = new CallLedger();
    // Nine calls let go with the refused one at the boundary's instant: none started before it.
    for (let i = 0; i < 9; i += 1) {
      ledger.started({ start: 1_010, estimate: 2_000, edge: false });
      ledger.admit(1_010, 2_000);
    }
    const quota = new QuotaEstimates();
    quota.count('tokens', 10, 19_560, 0);
    const refusal: PendingRefusal = {
      at: 1_016,
      sent: 1_010,
      release: 7_000,
      until: 7_016,
      quota: 'tokens',
      shape: 'fixed_window',
      estimate: 2_000,
    };
    readFixed(ledger, quota, 6_000, refusal, false, 7_016);
    // Not a request quota of one call a window.
    expect(quota.requests).toBeUndefined();
    expect(quota.tokens).toBe(19_560);
  });

  it('takes what a fixed window admitted before a token 429 as the quota, a floor whose news dates from the 429', () => {
    const ledger = new CallLedger();
    // The window began at 1 000; five calls of 1 000 tokens were admitted in it (one before it).
    for (const start of [900, 1_010, 1_020, 1_030, 1_040, 1_050]) {
      ledger.started({ start, estimate: 1_000, edge: false });
      ledger.admit(start, 1_000);
    }
    const quota = new QuotaEstimates();
    const refusal: PendingRefusal = {
      at: 1_062,
      sent: 1_060,
      release: 7_000,
      until: 7_062,
      quota: 'tokens',
      shape: 'fixed_window',
      estimate: 1_500,
    };
    readFixed(ledger, quota, 6_000, refusal, false, 7_062);
    expect(quota.tokens).toBe(5_000);
    // Read as the pause ends, still the 429's news: the next trial waits one window from it.
    expect(quota.lastChangeAt).toBe(1_062);
    expect(quota.quietWindows).toBe(1);
  });
});
