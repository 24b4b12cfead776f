import { describe, expect, it } from 'vitest';
import { bucketLevel, bucketRoom, type Bucket } from '../../../src/router/pacing/bucket-room.js';
import { CallLedger } from '../../../src/router/pacing/call-ledger.js';

/** 10 requests a second (0.01 per ms), holding a window's 60; seen at a 429 of a call sent at 1 000 that could go at 1 050. */
const bucket: Bucket = { rate: 0.01, capacity: 60, at: 1_000, release: 1_050, level: 1 };

function ledgerWith(starts: number[]): CallLedger {
  const ledger = new CallLedger();
  for (const s of starts) {
    ledger.started({ start: s, estimate: 100, edge: false });
    ledger.admit(s, 100);
  }
  return ledger;
}

describe('token bucket room', () => {
  it('holds exactly the refused call’s need when its room frees, and refills at the rate after', () => {
    const ledger = ledgerWith([]);
    expect(bucketLevel(ledger, bucket, 'requests', 1_050)).toBeCloseTo(1);
    expect(bucketLevel(ledger, bucket, 'requests', 1_150)).toBeCloseTo(2);
  });

  it('takes what the calls started since the 429 took', () => {
    const ledger = ledgerWith([1_050, 1_150]);
    expect(bucketLevel(ledger, bucket, 'requests', 1_150)).toBeCloseTo(0);
    expect(bucketLevel(ledger, bucket, 'tokens', 1_150)).toBeCloseTo(1 + 1 - 200);
  });

  it('never holds more than its capacity, however long it was left alone', () => {
    expect(bucketLevel(ledgerWith([]), bucket, 'requests', 100_000)).toBe(60);
  });

  it('lets a call go once it holds the call’s need and the margin, no sooner', () => {
    const ledger = ledgerWith([1_050]);
    // Empty at 1 050; one request refills by 1 150, the 5 ms margin by 1 155.
    expect(bucketRoom(ledger, bucket, 'requests', 1, 5, 1_100)).toBeCloseTo(1_155);
    expect(bucketRoom(ledger, bucket, 'requests', 1, 5, 1_160)).toBe(1_160);
  });

  it('paces calls one refill apart once it is empty: the margin is paid once, not per call', () => {
    const starts = [1_055];
    for (let i = 0; i < 5; i++) {
      const ledger = ledgerWith(starts);
      starts.push(bucketRoom(ledger, bucket, 'requests', 1, 5, starts.at(-1) as number));
    }
    const gaps = starts.slice(1).map((s, i) => s - (starts[i] as number));
    for (const gap of gaps) expect(gap).toBeCloseTo(100);
  });
});
