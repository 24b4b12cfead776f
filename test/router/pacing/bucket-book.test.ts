import { describe, expect, it } from 'vitest';
import { BucketBook } from '../../../src/router/pacing/bucket-book.js';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';
import type { PendingRefusal } from '../../../src/router/pacing/pending-refusal.js';
import { QuotaEstimates } from '../../../src/router/pacing/quota-estimates.js';

const UNIT = 6_000;

/** A token bucket's 429 for a call of 1 000 tokens sent at `sent`, told to wait `hint`. */
function refusal(book: BucketBook, sent: number, hint: number, firstReading = false): PendingRefusal {
  const release = sent + hint;
  return {
    at: sent + 2,
    sent,
    release,
    until: sent + 2 + hint,
    quota: 'tokens',
    shape: 'token_bucket',
    estimate: 1_000,
    anchor: book.anchor('tokens', sent, release, 1_000),
    ...(firstReading && { firstReading }),
  };
}

function answered(ledger: CallLedger, start: number, cost = 1_000): void {
  ledger.started({ start, estimate: cost, edge: false });
  ledger.admit(start, cost);
}

describe('BucketBook', () => {
  it('reads the rate between two 429s from the calls between them, however few, when none was sent near either', () => {
    const ledger = new CallLedger();
    const quota = new QuotaEstimates();
    const book = new BucketBook(ledger);
    answered(ledger, 0);
    book.read(refusal(book, 1_000, 500, true), false, quota, UNIT, 0, 1_002);
    answered(ledger, 1_600);
    answered(ledger, 2_600);
    book.read(refusal(book, 3_000, 400), false, quota, UNIT, 0, 3_002);
    // Empty but for the need at 1 500 and at 3 400, 2 000 taken between: 2 000 per 1 900 ms, the
    // span taken a hint's resolution (1 ms) longer at each end — the least the reading allows.
    expect(quota.tokens).toBeCloseTo((2_000 / 1_902) * UNIT, 0);
  });

  it('reads the rate between two 429s with no call between them: the bucket rose from one need to the other by refill alone', () => {
    const ledger = new CallLedger();
    const quota = new QuotaEstimates();
    const book = new BucketBook(ledger);
    answered(ledger, 0);
    book.read(refusal(book, 1_000, 500, true), false, quota, UNIT, 0, 1_002);
    const prior = quota.tokens;
    // The next call, of 1 600 tokens, is refused too: at 1 500 the bucket held 1 000, at 2 100 1 600.
    const release = 1_700 + 400;
    const second: PendingRefusal = {
      ...refusal(book, 1_700, 400),
      estimate: 1_600,
      anchor: book.anchor('tokens', 1_700, release, 1_600),
    };
    book.read(second, false, quota, UNIT, 0, 1_702);
    expect(quota.tokens).not.toBe(prior);
    expect(quota.tokens).toBeCloseTo((600 / 602) * UNIT, 0);
  });

  it('waits for three calls between them when one was sent near a 429 (it may have reached the provider on either side)', () => {
    const ledger = new CallLedger();
    const quota = new QuotaEstimates();
    const book = new BucketBook(ledger);
    answered(ledger, 0);
    book.read(refusal(book, 1_000, 500, true), false, quota, UNIT, 0, 1_002);
    const prior = quota.tokens;
    answered(ledger, 1_600);
    answered(ledger, 2_995);
    book.read(refusal(book, 3_000, 400), false, quota, UNIT, 0, 3_002);
    expect(quota.tokens).toBe(prior);
  });
});

describe('BucketBook, calls sent at a 429’s own instant', () => {
  it('reads no rate between two 429s with none between when another call went with the first (it may have reached the bucket after it)', () => {
    const ledger = new CallLedger();
    const quota = new QuotaEstimates();
    const book = new BucketBook(ledger);
    answered(ledger, 0);
    // The gate let two calls go at 1 000; the 1 000-token one was refused, the other is still out.
    ledger.started({ start: 1_000, estimate: 1_000, edge: false });
    ledger.started({ start: 1_000, estimate: 900, edge: false });
    ledger.finished(1_000, undefined, 1_000);
    book.read(refusal(book, 1_000, 500, true), true, quota, UNIT, 0, 1_002);
    const prior = quota.tokens;
    // Reaching the bucket after the refused one, the 900-token call took what refilled by 1 500:
    // read as if nothing went between, 1 000 → 1 100 over 600 ms is ~1 000 a window, and exact.
    const release = 1_700 + 400;
    const second: PendingRefusal = {
      ...refusal(book, 1_700, 400),
      estimate: 1_100,
      anchor: book.anchor('tokens', 1_700, release, 1_100),
    };
    book.read(second, true, quota, UNIT, 0, 1_702);
    expect(quota.tokens).toBe(prior);
  });
});
