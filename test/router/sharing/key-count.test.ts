import { describe, expect, it } from 'vitest';
import { WindowPacer } from '../../../src/router/pacing/window-pacer.js';
import { LONE_SHARE, type QuotaShare, type SharedEstimate } from '../../../src/router/sharing/quota-share.js';
import { counted, RAISE_BY } from '../../../src/router/sharing/key-count.js';
import { SharedPacer } from '../../../src/router/sharing/shared-pacer.js';

describe('a 429’s count of the key', () => {
  it('lowers the estimate to the window’s count when every peer’s calls were heard of', () => {
    expect(counted(26, 28, true, 30)).toEqual({ value: 28, floor: false });
  });

  it('never lowers the estimate when a peer’s last calls may be missing: it is a lower bound', () => {
    expect(counted(26, 28, false, 30)).toEqual({ value: 30, floor: false });
    expect(counted(26, 28, false, 30, true)).toEqual({ value: 30, floor: true });
  });

  it('sets a first estimate from a count missing calls as a lower bound, which a reading replaces', () => {
    expect(counted(28, 28, false, undefined)).toEqual({ value: 28, floor: true });
    expect(counted(30, 30, true, 28, true)).toEqual({ value: 30, floor: false });
  });

  it('raises a reading only by more than its edges’ slack, a lower bound by any higher count', () => {
    expect(counted(33, 34, true, 30)).toEqual({ value: 30, floor: false });
    expect(counted(Math.floor(30 * (1 + RAISE_BY)) + 1, 40, false, 30)).toEqual({ value: 38, floor: true });
    expect(counted(29, 29, false, 28, true)).toEqual({ value: 29, floor: true });
  });
});

/** A key of `self` and one peer `other`, both with a backlog, full at the estimate. */
function keyOf(self: string, other: string, e: SharedEstimate) {
  const published: Omit<SharedEstimate, 'by'>[] = [];
  const share: QuotaShare = {
    ...LONE_SHARE,
    self,
    instances: () => 2,
    fraction: () => 0.5,
    newestEstimate: () => e,
    peersUsage: () => ({ requests: e.requests ?? 0, tokens: 0 }),
    peerClaims: () => [{ id: other, fraction: 0.5, usage: { requests: e.requests ?? 0, tokens: 0 } }],
    estimate: (x) => published.push(x),
  };
  return { pacer: new SharedPacer(new WindowPacer(), share), published };
}

describe('the key’s trial', () => {
  const floor: SharedEstimate = { windowMs: 10_000, requests: 28, floor: true, learntAt: 0, by: 'b' };

  it('raises a lower bound by one call once a window has passed at it, tried by the claimant with the smallest id', () => {
    const a = keyOf('a', 'b', floor);
    a.pacer.openAt(10_000, 100);
    expect(a.published).toEqual([{ windowMs: 10_000, requests: 29, floor: true, learntAt: 10_000 }]);
    const b = keyOf('b', 'a', floor);
    b.pacer.openAt(10_000, 100);
    expect(b.published).toEqual([]);
  });

  it('waits a window after the level was learnt, and never tries a reading', () => {
    const early = keyOf('a', 'b', floor);
    early.pacer.openAt(9_999, 100);
    expect(early.published).toEqual([]);
    const read = keyOf('a', 'b', { ...floor, floor: false });
    read.pacer.openAt(20_000, 100);
    expect(read.published).toEqual([]);
  });
});

describe('a shared key the provider reports on', () => {
  it('holds a call until the room the provider reports holds it, as the lone pacer does, and shows the reported quota', () => {
    const e: SharedEstimate = { windowMs: 60_000, tokens: 60_000, learntAt: 0, by: 'b' };
    const { pacer } = keyOf('a', 'b', { ...e });
    pacer.openAt(0, 1_000);
    pacer.started(0, 1_000);
    // The key has 2 000 tokens left after this call (the peer spent the rest): a bucket of 60 000 a
    // minute refills a token a millisecond, so 5 000 wait for 3 000 more (and the send margin's 100).
    const reading = {
      requests: { limit: 500, remaining: 499, resetMs: 120 },
      tokens: { limit: 60_000, remaining: 2_000, resetMs: 58_000 },
    };
    pacer.record(
      { kind: 'success', latencyMs: 50, inputTokens: 1_000, outputTokens: 0, reading, startedAt: 0 },
      50,
    );
    expect(pacer.openAt(50, 5_000)).toBeGreaterThanOrEqual(3_100);
    expect(pacer.learnt?.reported).toEqual({
      windowMs: 60_000,
      requests: 500,
      tokens: 60_000,
      shape: 'token_bucket',
    });
  });
});
