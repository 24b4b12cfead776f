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
