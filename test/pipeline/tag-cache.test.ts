import { describe, expect, it } from 'vitest';
import { formatHitRate } from '../../src/run/cache-stats.js';
import { TagCache } from '../../src/pipeline/tag-cache.js';
import type { TagRecord } from '../../src/model/tag-record.js';
import { recordFor, work } from '../operators/fixtures.js';

describe('TagCache', () => {
  it('misses a page it has never seen', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    expect(cache.lookup(work('p1', 1))).toEqual({ kind: 'miss' });
  });

  it('calls an older version stale and the same version a duplicate', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    const v3 = work('p1', 3);
    cache.remember(v3, recordFor(v3));
    expect(cache.lookup(work('p1', 2))).toEqual({ kind: 'stale', lastVersion: 3 });
    expect(cache.lookup(work('p1', 3))).toEqual({ kind: 'duplicate', lastVersion: 3 });
    expect(cache.lookup(work('p1', 4))).toEqual({ kind: 'miss' });
  });

  it('finds the tags of the same content at a new version of the page', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    const v1 = work('p1', 1, { body: 'same' });
    const record = recordFor(v1, ['ops']);
    cache.remember(v1, record);
    expect(cache.lookup(work('p1', 2, { body: 'same' }))).toEqual({ kind: 'hit', record, source: 'page' });
  });

  it('finds the tags of the same content on another page', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    const original = work('p1', 1, { title: 'T', body: 'shared' });
    const record = recordFor(original);
    cache.restore(record);
    expect(cache.lookup(work('p2', 1, { title: 'T', body: 'shared' }))).toEqual({
      kind: 'hit',
      record,
      source: 'content',
    });
  });

  it('evicts the least recently used content beyond maxSize', () => {
    const cache = new TagCache({ enabled: true, maxSize: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((body, i) => work(`p${i}`, 1, { body, title: 'x' }));
    for (const w of [a, b, c]) if (w) cache.remember(w, recordFor(w));
    expect(cache.stats()).toMatchObject({ size: 2, maxSize: 2 });
    expect(cache.lookup(work('q1', 1, { body: 'a', title: 'x' })).kind).toBe('miss');
    expect(cache.lookup(work('q2', 1, { body: 'c', title: 'x' })).kind).toBe('hit');
  });

  it('still finds a page’s own last tags once the content cache has evicted its content, but not another page’s', () => {
    const cache = new TagCache({ enabled: true, maxSize: 1, maxPages: 10 });
    const p1 = work('p1', 1, { title: 'T', body: 'first' });
    const p2 = work('p2', 1, { title: 'T', body: 'second' });
    const r1 = recordFor(p1, ['ops', 'kafka']);
    cache.remember(p1, r1);
    cache.remember(p2, recordFor(p2));
    expect(cache.lookup(work('p1', 2, { title: 'T', body: 'first' }))).toEqual({
      kind: 'hit',
      record: {
        tags: ['ops', 'kafka'],
        provider: r1.provider,
        model: r1.model,
        promptVersion: r1.promptVersion,
      },
      source: 'page',
    });
    expect(cache.lookup(work('p3', 1, { title: 'T', body: 'first' }))).toEqual({ kind: 'miss' });
  });

  it('bounds the version index by maxPages, forgetting the page least recently looked at', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10, maxPages: 2 });
    for (const id of ['a', 'b']) cache.restore(recordFor(work(id, 1)));
    cache.lookup(work('a', 1));
    cache.restore(recordFor(work('c', 1)));
    expect(cache.lastVersion('a')).toBe(1);
    expect(cache.lastVersion('b')).toBeUndefined();
    expect(cache.lastVersion('c')).toBe(1);
  });

  it('when disabled, keeps no tags but still refuses older versions', () => {
    const cache = new TagCache({ enabled: false, maxSize: 1000 });
    const v1 = work('p1', 1, { body: 'same' });
    cache.remember(v1, recordFor(v1));
    expect(cache.lookup(work('p1', 2, { body: 'same' }))).toEqual({ kind: 'miss' });
    expect(cache.lookup(work('p1', 1))).toEqual({ kind: 'duplicate', lastVersion: 1 });
    expect(cache.stats()).toMatchObject({ size: 0, maxSize: 0 });
  });

  it('counts hits and misses the way the origin document reports them', () => {
    const cache = new TagCache({ enabled: true, maxSize: 1000 });
    const v1 = work('p1', 1, { body: 'same' });
    cache.remember(v1, recordFor(v1));
    cache.lookup(work('p1', 1));
    cache.lookup(work('p1', 2, { body: 'same' }));
    cache.lookup(work('p1', 0));
    cache.lookup(work('p2', 1));
    const stats = cache.stats();
    expect(stats).toEqual({ hits: 3, misses: 1, hitRate: 0.75, size: 1, maxSize: 1000 });
    expect(formatHitRate(stats.hitRate)).toBe('75.0%');
  });

  it('refuses to remember an answer older than what it already has', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    const v2 = work('p1', 2);
    const v1 = work('p1', 1);
    expect(cache.remember(v2, recordFor(v2))).toBe(true);
    expect(cache.remember(v1, recordFor(v1))).toBe(false);
    expect(cache.lastVersion('p1')).toBe(2);
  });

  it('keeps a removed page’s version so older versions stay stale', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    const v1 = work('p1', 1);
    cache.remember(v1, recordFor(v1));
    cache.remove('p1', 2);
    expect(cache.lookup(work('p1', 2)).kind).toBe('duplicate');
    expect(cache.remember(work('p1', 2), recordFor(work('p1', 2)))).toBe(false);
    expect(cache.lookup(work('p1', 3)).kind).toBe('miss');
  });

  it('forgets a page entirely on a tombstone without a version', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    cache.restore(recordFor(work('p1', 5)));
    cache.remove('p1');
    expect(cache.lastVersion('p1')).toBeUndefined();
  });

  it('restores the newest record of a page whatever the order', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    cache.restore(recordFor(work('p1', 4)));
    cache.restore(recordFor(work('p1', 2)));
    expect(cache.lastVersion('p1')).toBe(4);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0 });
  });

  it('restores 100,000 records, keeping every page version and the newest contents up to its size', () => {
    const cache = new TagCache({ enabled: true, maxSize: 1000 });
    const template = recordFor(work('p0', 1));
    const records: TagRecord[] = Array.from({ length: 100_000 }, (_, i) => ({
      ...template,
      pageId: `p${i}`,
      contentHash: `h${i}`,
    }));
    // How fast: bench/restore.ts (speed is shown by benchmarks, not by timed assertions).
    for (const r of records) cache.restore(r);
    expect(cache.lastVersion('p99999')).toBe(1);
    expect(cache.lastVersion('p0')).toBe(1);
    expect(cache.stats().size).toBe(1000);
  });

  it('forgets a dropped removal, so the same removal read again is not skipped as a duplicate', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    const removal = work('p1', 4, { type: 'page_removed' });
    cache.remove('p1', 4);
    expect(cache.lookup(removal).kind).toBe('duplicate');
    cache.forget({ kind: 'tombstone', delivery: removal.delivery, pageId: 'p1' });
    expect(cache.lookup(removal).kind).toBe('miss');
  });

  it('forgets a dropped TagRecord, so the same version read again goes to the LLM', () => {
    const cache = new TagCache({ enabled: false, maxSize: 10 });
    const v2 = work('p1', 2);
    cache.remember(v2, recordFor(v2));
    expect(cache.lookup(v2).kind).toBe('duplicate');
    cache.forget({ kind: 'tagged', delivery: v2.delivery, record: recordFor(v2) });
    expect(cache.lookup(v2).kind).toBe('miss');
  });
});
