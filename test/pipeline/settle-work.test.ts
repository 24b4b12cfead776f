import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { PendingPages } from '../../src/pipeline/pending-pages.js';
import { settleFailed, settleTagged } from '../../src/pipeline/settle-work.js';
import { TagCache } from '../../src/pipeline/tag-cache.js';
import { recordFor, work } from '../operators/fixtures.js';

function inFlight(pending: PendingPages, ...works: ReturnType<typeof work>[]) {
  for (const w of works) {
    pending.enqueue(w);
    pending.claim(w);
  }
}

describe('settleTagged', () => {
  it('remembers the tags so a later duplicate is skipped, and says the page is tagged', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    const pending = new PendingPages();
    const v1 = work('p1', 1);
    inFlight(pending, v1);
    const record = recordFor(v1);
    expect(settleTagged(cache, pending, v1, record)).toEqual({
      kind: 'tagged',
      delivery: v1.delivery,
      record,
    });
    expect(cache.lookup(work('p1', 1)).kind).toBe('duplicate');
    expect(pending.inFlight).toBe(0);
  });

  it('skips as stale an answer that returns after a newer version was tagged', () => {
    const cache = new TagCache({ enabled: true, maxSize: 10 });
    const pending = new PendingPages();
    const v1 = work('p1', 1);
    const v2 = work('p1', 2);
    inFlight(pending, v1, v2);
    settleTagged(cache, pending, v2, recordFor(v2));
    expect(settleTagged(cache, pending, v1, recordFor(v1))).toEqual({
      kind: 'skipped',
      delivery: v1.delivery,
      pageId: 'p1',
      reason: 'stale',
    });
    expect(cache.lastVersion('p1')).toBe(2);
  });
});

describe('settleFailed', () => {
  it('dead-letters the page with its error and attempts and releases it', () => {
    const pending = new PendingPages();
    const v1 = work('p1', 1);
    inFlight(pending, v1);
    const error = new TagspaceError('exhausted', 'no attempts left');
    expect(settleFailed(pending, v1, error, 4)).toEqual({
      kind: 'dead_letter',
      delivery: v1.delivery,
      error,
      attempts: 4,
    });
    expect(pending.inFlight).toBe(0);
  });
});
