import { describe, expect, it } from 'vitest';
import { KeyShare } from '../../../src/router/sharing/key-share.js';
import type { ShareRecord } from '../../../src/router/sharing/share-record.js';

const SESSION = 10_000;
const estimate = { windowMs: 10_000, requests: 30, learntAt: 0 };

function share(self: string): KeyShare {
  return new KeyShare({ self, provider: 'gemini', sessionTimeoutMs: SESSION, bucketMs: 100 });
}

/** Every instance hears every other's record of `now`. */
function exchange(shares: KeyShare[], now: number): void {
  const records = shares.map((s) => [s.self, s.report(now)] as const);
  for (const s of shares) for (const [id, r] of records) s.heard(id, r, now, false);
}

describe('KeyShare', () => {
  it('alone has the whole quota, no peers and no peer usage', () => {
    const a = share('a');
    a.demand(0, 5);
    a.admitted(0, 100);
    expect(a.fraction(10)).toBe(1);
    expect(a.instances(10)).toBe(1);
    expect(a.peersUsage(10, 10_000)).toEqual({ requests: 0, tokens: 0 });
  });

  it('gives three instances with a backlog a third each, computed alike by each of them', () => {
    const all = ['a', 'b', 'c'].map(share);
    all[0]?.estimate(estimate);
    for (const s of all) s.demand(0, 4);
    exchange(all, 0);
    for (const s of all) {
      expect(s.instances(100)).toBe(3);
      expect(s.fraction(100)).toBeCloseTo(1 / 3);
    }
  });

  it('counts what the peers were admitted within the window asked for', () => {
    const [a, b] = [share('a'), share('b')];
    b.admitted(1_000, 500);
    b.admitted(1_050, 500);
    b.revise(1_050, 0, 200);
    b.admitted(1_100, 300);
    b.revise(1_100, -1, -300); // a 429: the provider did not count it
    exchange([a, b], 1_200);
    expect(a.peersUsage(1_200, 10_000)).toEqual({ requests: 2, tokens: 1_200 });
    expect(a.peersUsage(1_200, 100)).toEqual({ requests: 0, tokens: 0 });
    // Its own calls are not its peers'.
    expect(b.peersUsage(1_200, 10_000)).toEqual({ requests: 0, tokens: 0 });
  });

  it('drops a peer silent longer than the session timeout, but counts its calls until they leave the window', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(share) as [KeyShare, KeyShare, KeyShare];
    a.estimate(estimate);
    for (const s of [a, b, c]) s.demand(0, 3);
    for (let t = 0; t <= 5_000; t += 1_000) {
      c.admitted(t, 100);
      exchange([a, b, c], t);
    }
    // c is killed at 5 s: a and b keep hearing each other only.
    for (let t = 6_000; t <= 15_000; t += 1_000) exchange([a, b], t);
    expect(a.instances(15_000)).toBe(3);
    expect(a.fraction(15_000)).toBeCloseTo(1 / 3);
    exchange([a, b], 15_001);
    expect(a.instances(15_001)).toBe(2);
    expect(a.fraction(15_001)).toBeCloseTo(1 / 2);
    // Its calls at 0…5 s are all in a 20 s window at 15 s, and leave it one by one until 25 s.
    expect(a.peersUsage(15_001, 20_000).requests).toBe(6);
    expect(a.peersUsage(22_500, 20_000).requests).toBe(3);
    expect(a.peersUsage(25_001, 20_000).requests).toBe(0);
  });

  it('lets a peer that left (tombstone) go at once, its calls still counting until they age out', () => {
    const [a, b] = [share('a'), share('b')];
    a.demand(0, 1);
    b.demand(0, 1);
    b.admitted(900, 100);
    exchange([a, b], 1_000);
    expect(a.fraction(1_000)).toBeCloseTo(1 / 2);
    a.heard('b', undefined, 1_100, false);
    expect(a.instances(1_100)).toBe(1);
    expect(a.fraction(1_100)).toBe(1);
    expect(a.peersUsage(1_100, 10_000).requests).toBe(1);
  });

  it('starts a joiner at its share from the records it catches up on, and the others shrink once they hear it', () => {
    const [a, b] = [share('a'), share('b')];
    a.estimate(estimate);
    a.demand(0, 2);
    b.demand(0, 2);
    exchange([a, b], 10_000);
    const recordsOnTopic = [
      ['a', a.report(10_000)],
      ['b', b.report(10_000)],
    ] as const;
    const c = share('c');
    c.demand(10_500, 2);
    for (const [id, r] of recordsOnTopic) c.heard(id, r, 10_500, true);
    expect(c.instances(10_500)).toBe(3);
    expect(c.fraction(10_500)).toBeCloseTo(1 / 3);
    expect(a.fraction(10_500)).toBeCloseTo(1 / 2);
    exchange([a, b, c], 11_000);
    expect(a.fraction(11_000)).toBeCloseTo(1 / 3);
  });

  it('takes records read while catching up that are older than the session timeout for departed instances', () => {
    const [a, old] = [share('a'), share('old')];
    old.demand(0, 3);
    old.admitted(0, 10);
    const record = old.report(0);
    a.demand(60_000, 1);
    a.heard('old', record, 60_000, true);
    expect(a.instances(60_000)).toBe(1);
    expect(a.peersUsage(60_000, 10_000).requests).toBe(0);
  });

  it('reads live records on its own clock, whatever the sender clock says', () => {
    const [a, b] = [share('a'), share('b')];
    b.admitted(0, 10);
    b.demand(0, 1);
    // b's clock is an hour ahead of a's: its record says sentAt = 3 600 000.
    const skewed: ShareRecord = { ...b.report(0), sentAt: 3_600_000 };
    a.heard('b', skewed, 500, false);
    expect(a.instances(500)).toBe(2);
    expect(a.peersUsage(500, 1_000).requests).toBe(1);
    expect(a.instances(500 + SESSION + 1)).toBe(1);
  });

  it('keeps a peer without a backlog at its usage plus headroom and gives the rest to those with one', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(share) as [KeyShare, KeyShare, KeyShare];
    a.estimate(estimate);
    for (let i = 0; i < 4; i++) c.admitted(1_000 + i * 100, 10);
    a.demand(0, 5);
    b.demand(0, 5);
    exchange([a, b, c], 2_000);
    // c used 4 of 30 without waiting: (4·1.5 + 1)/30 = 7/30; a and b split the other 23/30.
    expect(a.fraction(2_000)).toBeCloseTo(23 / 60);
    expect(b.fraction(2_000)).toBeCloseTo(23 / 60);
    expect(c.fraction(2_000)).toBeGreaterThanOrEqual(7 / 30);
    // A second after its last call (the demand hold) c has stopped: it keeps what its calls hold.
    // (Its buckets are 100 ms wide: the last began at 1 300.)
    exchange([a, b, c], 2_401);
    expect(a.fraction(2_401)).toBeCloseTo(26 / 60);
    expect(c.fraction(2_401)).toBeCloseTo(4 / 30);
  });

  it('leaves idle peers out of the split and shares equally while no estimate is known', () => {
    const [a, b, idle] = ['a', 'b', 'idle'].map(share) as [KeyShare, KeyShare, KeyShare];
    a.demand(0, 1);
    b.demand(0, 1);
    exchange([a, b, idle], 0);
    expect(a.instances(0)).toBe(3);
    expect(a.fraction(0)).toBeCloseTo(1 / 2);
  });

  it('reports the most calls that waited since its last record, then at least one while any waited within the hold', () => {
    const a = share('a');
    a.demand(0, 4);
    a.demand(10, 0);
    expect(a.report(20).waiting).toBe(4);
    // Between two calls nothing waits at the gate, but the backlog is still there.
    expect(a.report(30).waiting).toBe(1);
    // A second on (the hold), it is done: not a whole window, in which its part would stay unused.
    expect(a.report(1_011).waiting).toBe(0);
    a.estimate({ windowMs: 10_000, requests: 10, learntAt: 1_011 });
    a.demand(2_000, 1);
    a.demand(2_001, 0);
    expect(a.report(2_002).waiting).toBe(1);
    expect(a.report(3_000).waiting).toBe(1);
    expect(a.report(3_001).waiting).toBe(0);
    // A window shorter than ten seconds holds a tenth of it.
    a.estimate({ windowMs: 2_000, requests: 10, learntAt: 3_002 });
    a.demand(4_000, 1);
    a.demand(4_001, 0);
    expect(a.report(4_200).waiting).toBe(1);
    expect(a.report(4_201).waiting).toBe(0);
  });

  it('keeps a backlog paused by a refusal of the key as demand until the pause ends, then the hold', () => {
    const [a, b] = [share('a'), share('b')];
    a.estimate({ windowMs: 10_000, requests: 30, learntAt: 0 });
    b.demand(1_000, 3);
    b.demand(1_001, 0); // its batches are held off the gate while the key is paused
    expect(b.report(1_002).waiting).toBe(3);
    a.refused({ at: 1_100, until: 6_000, windowMs: 10_000, tokens: false });
    exchange([a, b], 1_200);
    expect(b.report(5_000).waiting).toBe(1);
    expect(b.report(7_000).waiting).toBe(1);
    expect(b.report(7_001).waiting).toBe(0);
    // A refusal that came after the backlog was done holds nothing.
    const c = share('c');
    c.demand(1_000, 3);
    c.demand(1_001, 0);
    expect(c.report(1_002).waiting).toBe(3);
    c.heard('a', a.report(3_000), 3_000, false);
    const late = share('late');
    late.demand(0, 3);
    late.demand(1, 0);
    expect(late.report(2).waiting).toBe(3);
    late.heard('a', a.report(3_000), 3_000, false);
    expect(late.report(3_000).waiting).toBe(0);
    expect(c.report(6_500).waiting).toBe(1);
  });

  it('knows the newest estimate of the key, mapped onto its own clock, and publishes only its own', () => {
    const [a, b] = [share('a'), share('b')];
    a.estimate({ windowMs: 10_000, requests: 20, learntAt: 1_000 });
    b.estimate({ windowMs: 10_000, requests: 30, learntAt: 4_000, shape: 'fixed_window' });
    // b's clock runs 2 s behind: its record says sentAt 3 000 at a's 5 000, so b learnt at a's 6 000.
    const rb = b.report(3_000);
    a.heard('b', { ...rb, estimate: { ...rb.estimate!, learntAt: 2_000 }, sentAt: 3_000 }, 5_000, false);
    expect(a.newestEstimate()).toEqual({
      windowMs: 10_000,
      requests: 30,
      shape: 'fixed_window',
      learntAt: 4_000,
      by: 'b',
    });
    expect(a.report(5_000).estimate?.by).toBe('a');
    a.estimate({ windowMs: 10_000, requests: 25, learntAt: 7_000 });
    expect(a.newestEstimate()?.requests).toBe(25);
  });

  it('remembers the estimate of a peer that is gone', () => {
    const [a, b] = [share('a'), share('b')];
    b.estimate({ windowMs: 10_000, requests: 30, learntAt: 0 });
    exchange([a, b], 0);
    a.heard('b', undefined, 100, false);
    a.prune(200_000);
    expect(a.instances(200_000)).toBe(1);
    expect(a.newestEstimate()?.requests).toBe(30);
  });

  it('publishes its window-sized 429 while it is less than a window old, and peers map it onto their clock', () => {
    const [a, b] = [share('a'), share('b')];
    a.refused({ at: 1_000, until: 5_000, windowMs: 10_000, tokens: false });
    expect(a.reportDue(1_050, 1_000, 250)).toBe(true);
    // b's clock runs 2 s ahead of a's: it hears a's record of a's 1 100 at its 3 100.
    b.heard('a', a.report(1_100), 3_100, false);
    expect(b.peerRefusal()).toEqual({ at: 3_000, until: 7_000, windowMs: 10_000, tokens: false, by: 'a' });
    expect(a.report(11_001).refusal).toBeUndefined();
  });

  it('makes a record due at once when a window-sized 429 came, however soon after the last one', () => {
    const a = share('a');
    a.admitted(1_000, 100);
    a.report(1_000);
    a.admitted(1_010, 100);
    expect(a.reportDue(1_020, 1_000, 250)).toBe(false);
    a.refused({ at: 1_010, until: 5_000, windowMs: 10_000, tokens: false });
    expect(a.reportDue(1_030, 1_000, 250)).toBe(true);
    a.report(1_030);
    expect(a.reportDue(1_040, 1_000, 250)).toBe(false);
  });

  it('gives the peers’ usage with the part of the key each of them computes for itself', () => {
    const all = ['a', 'b', 'c'].map(share);
    all[0]?.estimate(estimate);
    for (const s of all) s.demand(0, 4);
    for (let i = 0; i < 12; i += 1) all[2]?.admitted(10 * i, 100);
    exchange(all, 200);
    const [a] = all as [KeyShare];
    const claims = a.peerClaims(300, 10_000);
    expect(claims.map((c) => c.usage.requests).sort()).toEqual([0, 12]);
    for (const c of claims) expect(c.fraction).toBeCloseTo(1 / 3);
    a.heard('c', undefined, 400, false);
    expect(a.peerClaims(500, 10_000).map((c) => c.usage.requests)).toEqual([0]);
  });
  it('tells whether every peer’s calls up to a moment were heard of: not while a peer is silent since before it', () => {
    const [a, b] = [share('a'), share('b')];
    b.admitted(1_000, 100);
    a.heard('b', b.report(1_000), 1_000, false);
    // b heard at 1 000 ms and silent since: its calls after its record are unknown to a.
    expect(a.silentUntil(900, 10_000)).toBeUndefined();
    expect(a.silentUntil(1_500, 10_000)).toBe(2_000);
    a.heard('b', b.report(2_000), 2_000, false);
    expect(a.silentUntil(1_500, 10_000)).toBeUndefined();
    // Silent since before the window and a report interval: it did nothing in the window.
    expect(a.silentUntil(13_500, 10_000)).toBeUndefined();
    expect(a.silentUntil(12_500, 10_000)).toBe(3_000);
  });
});
