import { describe, expect, it } from 'vitest';
import { claimBatch, PendingPages } from '../../src/pipeline/pending-pages.js';
import { work } from '../operators/fixtures.js';

describe('PendingPages', () => {
  it('replaces a waiting version with a newer one and returns the replaced one', () => {
    const pending = new PendingPages();
    const v1 = work('p1', 1);
    const v2 = work('p1', 2);
    expect(pending.enqueue(v1)).toBeUndefined();
    expect(pending.enqueue(v2)).toBe(v1);
    expect(pending.isWaiting(v1)).toBe(false);
    expect(pending.isWaiting(v2)).toBe(true);
    expect(pending.waiting).toBe(1);
  });

  it('lets only the waiting version be claimed, once', () => {
    const pending = new PendingPages();
    const v1 = work('p1', 1);
    const v2 = work('p1', 2);
    pending.enqueue(v1);
    pending.enqueue(v2);
    expect(pending.claim(v1)).toBe(false);
    expect(pending.claim(v2)).toBe(true);
    expect(pending.claim(v2)).toBe(false);
    expect(pending).toMatchObject({ waiting: 0, inFlight: 1 });
  });

  it('does not let a newer version supersede one already in flight', () => {
    const pending = new PendingPages();
    const v1 = work('p1', 1);
    const v2 = work('p1', 2);
    pending.enqueue(v1);
    pending.claim(v1);
    expect(pending.enqueue(v2)).toBeUndefined();
    expect(pending.newestVersion('p1')).toBe(2);
    expect(pending).toMatchObject({ waiting: 1, inFlight: 1 });
  });

  it('forgets a page once nothing of it waits or flies', () => {
    const pending = new PendingPages();
    const v1 = work('p1', 1);
    pending.enqueue(v1);
    pending.claim(v1);
    pending.settle(v1);
    expect(pending.newestVersion('p1')).toBeUndefined();
    expect(pending).toMatchObject({ waiting: 0, inFlight: 0 });
  });

  it('withdraws the waiting version of a removed page', () => {
    const pending = new PendingPages();
    const v1 = work('p1', 1);
    pending.enqueue(v1);
    expect(pending.withdraw('p1')).toBe(v1);
    expect(pending.withdraw('p1')).toBeUndefined();
    expect(pending.claim(v1)).toBe(false);
  });

  it('claims the live pages of a batch at dispatch and drops the superseded ones', () => {
    const pending = new PendingPages();
    const a1 = work('a', 1);
    const b1 = work('b', 1);
    pending.enqueue(a1);
    pending.enqueue(b1);
    const a2 = work('a', 2);
    pending.enqueue(a2);
    expect(claimBatch(pending, [a1, b1])).toEqual([b1]);
    expect(claimBatch(pending, [a2])).toEqual([a2]);
  });

  it('takes back the waiting versions a predicate picks, and forgets their pages, so a redelivery is new', () => {
    const pending = new PendingPages();
    const a = work('a', 1);
    const b = work('b', 3);
    const c = work('c', 1);
    for (const w of [a, b, c]) pending.enqueue(w);
    pending.claim(c);
    expect(pending.withdrawWhere((w) => w !== a)).toEqual([b]);
    expect(pending.isWaiting(b)).toBe(false);
    expect(pending.newestVersion('b')).toBeUndefined();
    expect(pending.isWaiting(a)).toBe(true);
    expect(pending).toMatchObject({ waiting: 1, inFlight: 1 });
  });
});
