import { describe, expect, it } from 'vitest';
import type { Pacer } from '../../../src/router/pacing/pacer.js';
import { KeyQuota } from '../../../src/router/sharing/key-quota.js';
import { OwnCalls } from '../../../src/router/sharing/own-calls.js';
import {
  LONE_SHARE,
  type KeyRefusal,
  type QuotaShare,
  type QuotaUsage,
  type SharedEstimate,
} from '../../../src/router/sharing/quota-share.js';
import { COUNT_DELAY_MS, RefusalCounter } from '../../../src/router/sharing/refusal-counter.js';
import { UnheardCalls } from '../../../src/router/sharing/unheard-calls.js';

const W = 10_000;

/** The peers' buckets meeting a window of W held 12 calls, those begun in it 10 (1 400 and 1 000 tokens). */
const edgeBuckets = (_at: number, w: number): QuotaUsage =>
  w >= W ? { requests: 12, tokens: 1_400 } : { requests: 10, tokens: 1_000 };

/** Instance a on a key with peers, its pacer having learnt a sliding window of W. */
function keyWith(o: { silent?: number; last?: SharedEstimate; refusal?: KeyRefusal } = {}) {
  const published: Omit<SharedEstimate, 'by'>[] = [];
  const share: QuotaShare = {
    ...LONE_SHARE,
    self: 'a',
    instances: () => 2,
    peersUsage: edgeBuckets,
    silentUntil: () => o.silent,
    newestEstimate: () => o.last,
    peerRefusal: () => o.refusal,
    estimate: (e) => published.push(e),
  };
  const inner: Pacer = {
    pausedUntil: 0,
    learnt: { windowMs: W, shape: 'sliding' },
    openAt: (now) => now,
    started: () => {},
    record: () => undefined,
  };
  const own = new OwnCalls();
  const unheard = new UnheardCalls();
  const counter = new RefusalCounter(share, inner, own, new KeyQuota(share, inner), unheard);
  return { counter, own, unheard, published };
}

describe('RefusalCounter', () => {
  it('counts this instance’s 429 COUNT_DELAY_MS after its call, its own calls and the peers’ buckets begun in the window', () => {
    const key = keyWith();
    for (let i = 0; i < 10; i += 1) key.own.started(i * 100, 100);
    key.counter.refused(900, false);
    key.counter.countDue(900 + COUNT_DELAY_MS - 1);
    expect(key.published).toEqual([]);
    key.counter.countDue(900 + COUNT_DELAY_MS);
    expect(key.published).toEqual([{ windowMs: W, learntAt: 900, shape: 'sliding', requests: 20 }]);
    key.counter.countDue(5_000);
    expect(key.published).toHaveLength(1);
  });

  it('counts one 429 at a time, the first', () => {
    const key = keyWith();
    key.counter.refused(900, false);
    key.counter.refused(950, false);
    key.counter.countDue(2_000);
    expect(key.published.map((e) => e.learntAt)).toEqual([900]);
  });

  it('waits a report interval more for a silent peer, never lowers the estimate, and keeps the shortfall as calls no one heard of', () => {
    const last: SharedEstimate = { windowMs: W, requests: 30, learntAt: -5_000, by: 'b' };
    const key = keyWith({ silent: 700, last });
    for (let i = 0; i < 10; i += 1) key.own.started(i * 100, 100);
    key.counter.refused(900, false);
    key.counter.countDue(1_900);
    key.counter.countDue(2_899);
    expect(key.published).toEqual([]);
    key.counter.countDue(2_900);
    expect(key.published).toEqual([{ windowMs: W, learntAt: 900, shape: 'sliding', requests: 30 }]);
    // 30 − (10 own + 12 in the peers' buckets): 8 calls the silent peer made by 700, in the window till 700 + W.
    expect(key.unheard.at(700 + W - 1)).toMatchObject({ requests: 8, tokens: 0 });
    expect(key.unheard.at(700 + W)).toBeUndefined();
  });

  it('counts a token 429 at what the own calls cost, keeping the request estimate', () => {
    const last: SharedEstimate = { windowMs: W, requests: 30, learntAt: -5_000, by: 'b' };
    const key = keyWith({ last });
    key.own.started(0, 100);
    key.own.started(100, 100);
    key.own.record({ kind: 'success', latencyMs: 50, inputTokens: 300, startedAt: 0 }, 50);
    key.counter.refused(900, true);
    key.counter.countDue(1_900);
    // 300 reported + 3 · 100 estimated, and the peers' 1 000 begun in the window.
    expect(key.published).toEqual([
      { windowMs: W, learntAt: 900, shape: 'sliding', tokens: 1_600, requests: 30 },
    ]);
  });

  it('counts a peer’s 429 once, published unless an estimate learnt from it (250 ms before it or later) is known', () => {
    const refusal: KeyRefusal = { at: 900, until: 1_500, windowMs: W, tokens: false, by: 'b' };
    const known = keyWith({ refusal, last: { windowMs: W, requests: 30, learntAt: 650, by: 'b' } });
    known.counter.countDue(1_900);
    expect(known.published).toEqual([]);
    const older = keyWith({ refusal, last: { windowMs: W, requests: 30, learntAt: 649, by: 'b' } });
    older.counter.countDue(1_900);
    older.counter.countDue(2_500);
    expect(older.published).toEqual([{ windowMs: W, learntAt: 900, shape: 'sliding', requests: 12 }]);
  });

  it('still finds the calls no one heard of in a peer’s 429 it does not publish', () => {
    const refusal: KeyRefusal = { at: 900, until: 1_500, windowMs: W, tokens: false, by: 'b' };
    const key = keyWith({
      refusal,
      silent: 800,
      last: { windowMs: W, requests: 30, learntAt: 900, by: 'b' },
    });
    key.counter.countDue(2_900);
    expect(key.published).toEqual([]);
    expect(key.unheard.at(2_900)).toMatchObject({ requests: 18 });
  });
});
