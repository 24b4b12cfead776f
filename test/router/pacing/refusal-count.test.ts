import { describe, expect, it } from 'vitest';
import { BucketBook } from '../../../src/router/pacing/bucket-book.js';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import type { PendingRefusal } from '../../../src/router/pacing/pending-refusal.js';
import { QuotaEstimates } from '../../../src/router/pacing/quota-estimates.js';
import { RefusalCount } from '../../../src/router/pacing/refusal-count.js';
import { WindowLength } from '../../../src/router/pacing/window-length.js';

/** A minute of 6 s; ten calls admitted at 0–900 ms, one more out since 950. */
const W = 6_000;

function setUp() {
  const ledger = new CallLedger();
  for (let t = 0; t < 1_000; t += 100) ledger.admit(t, 1);
  ledger.started({ start: 950, estimate: 0, edge: false });
  const quota = new QuotaEstimates();
  const length = new WindowLength();
  length.named(W);
  return { ledger, quota, counts: new RefusalCount(ledger, quota, length, new BucketBook(ledger)) };
}

/** The 429 of a call sent at 1 000, back at once, its room freeing at 6 000. */
function refusal(shape: PendingRefusal['shape']): PendingRefusal {
  return { at: 1_000, sent: 1_000, release: 6_000, until: 6_000, quota: 'requests', shape, estimate: 0 };
}

describe('RefusalCount', () => {
  it('counts a sliding window’s 429 once its pause is over and the calls out when it was sent have reported', () => {
    const { ledger, quota, counts } = setUp();
    counts.refused(refusal('sliding'), 1_000, 0);
    expect(counts.since).toBe(1_000);
    counts.settle(5_999, 0);
    expect(quota.requests).toBeUndefined();
    counts.settle(6_000, 0);
    expect(quota.requests).toBeUndefined();
    ledger.admit(950, 1);
    counts.settle(6_000, 0);
    expect(quota.requests).toBe(11);
    expect(counts.since).toBeUndefined();
  });

  it('reads a fixed window’s 429 at once, the call out taken as admitted', () => {
    const { quota, counts } = setUp();
    counts.refused(refusal('fixed_window'), 1_000, 0);
    // The window from its boundary a − W = 0 on held nine calls admitted and the one out.
    expect(quota.requests).toBe(10);
    expect(counts.since).toBe(1_000);
  });

  it('counts only the last 429 awaiting its count', () => {
    const { ledger, quota, counts } = setUp();
    counts.refused(refusal('sliding'), 1_000, 0);
    counts.refused({ ...refusal('sliding'), at: 2_000, until: 7_000 }, 2_000, 0);
    ledger.admit(950, 1);
    counts.settle(6_500, 0);
    expect(quota.requests).toBeUndefined();
    expect(counts.since).toBe(2_000);
  });
});
