import { describe, expect, it } from 'vitest';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import type { PendingRefusal } from '../../../src/router/pacing/pending-refusal.js';
import { QuotaEstimates } from '../../../src/router/pacing/quota-estimates.js';
import { readSliding } from '../../../src/router/pacing/window-readings.js';

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
