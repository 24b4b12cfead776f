import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { dedupeAndCoalesce } from '../../src/operators/dedupe-and-coalesce.js';
import { PendingPages } from '../../src/pipeline/pending-pages.js';
import { settleTagged } from '../../src/pipeline/settle-work.js';
import { TagCache } from '../../src/pipeline/tag-cache.js';
import type { DedupeDecision, PageWork } from '../../src/model/work.js';
import { recordFor, work } from './fixtures.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A decision as a short string: "needs p1@2", "skipped p1@1 coalesced", "cached p2@1", "tombstone p1". */
function describeDecision(decision: DedupeDecision, inputs: Map<unknown, PageWork>): string {
  switch (decision.kind) {
    case 'needs_tags':
      return `needs ${decision.work.event.pageId}@${decision.work.event.version}`;
    case 'tagged':
      return `${decision.record.cached ? 'cached' : 'tagged'} ${decision.record.pageId}@${decision.record.version}`;
    case 'tombstone':
      return `tombstone ${decision.pageId}`;
    case 'skipped': {
      const w = inputs.get(decision.delivery);
      return `skipped ${decision.pageId}@${w?.event.version ?? '?'} ${decision.reason}`;
    }
    case 'dead_letter':
      return `dead ${decision.delivery.offset}`;
  }
}

function setup(enabled = true) {
  const cache = new TagCache({ enabled, maxSize: 100 });
  const pending = new PendingPages();
  return { cache, pending };
}

function run(
  values: Record<string, PageWork>,
  marbles: string,
  enabled = true,
  prepare?: (s: ReturnType<typeof setup>) => void,
) {
  const s = setup(enabled);
  prepare?.(s);
  const inputs = new Map<unknown, PageWork>(Object.values(values).map((w) => [w.delivery, w]));
  const decisions: string[] = [];
  scheduler().run(({ cold }) => {
    cold(marbles, values)
      .pipe(
        dedupeAndCoalesce(s.cache, { pending: s.pending }),
        map((d) => describeDecision(d, inputs)),
      )
      .subscribe((d) => decisions.push(d));
  });
  return { ...s, decisions };
}

describe('dedupeAndCoalesce', () => {
  it('sends a page it has never seen to the LLM', () => {
    const { decisions } = run({ a: work('p1', 1) }, 'a|');
    expect(decisions).toEqual(['needs p1@1']);
  });

  it('skips an event whose version is not newer than the last tagged one', () => {
    const v2 = work('p1', 2);
    const { decisions, cache } = run(
      { a: work('p1', 1), b: work('p1', 2), c: work('p1', 3) },
      'abc|',
      true,
      ({ cache }) => cache.restore(recordFor(v2)),
    );
    expect(decisions).toEqual(['skipped p1@1 stale', 'skipped p1@2 duplicate', 'needs p1@3']);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1 });
  });

  it('tags the same content at a new version from the cache, without an LLM call', () => {
    const v1 = work('p1', 1, { body: 'Kafka consumer groups', title: 'Consumers' });
    const v2 = work('p1', 2, {
      body: '<p>Kafka   consumer groups</p>',
      bodyFormat: 'storage',
      title: 'Consumers',
    });
    const s = setup();
    s.cache.remember(v1, recordFor(v1, ['kafka', 'consumers']));
    const out: DedupeDecision[] = [];
    scheduler().run(({ cold }) => {
      cold('a|', { a: v2 })
        .pipe(dedupeAndCoalesce(s.cache, { pending: s.pending }))
        .subscribe((d) => out.push(d));
    });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: 'tagged',
      delivery: v2.delivery,
      record: {
        pageId: 'p1',
        version: 2,
        tags: ['kafka', 'consumers'],
        cached: true,
        contentHash: v1.contentHash,
      },
    });
    expect(s.cache.lastVersion('p1')).toBe(2);
  });

  it('reuses the tags of another page with the same content', () => {
    const original = work('p1', 4, { title: 'Runbook', body: 'Restart the broker' });
    const copy = work('p9', 1, { title: 'Runbook', body: 'Restart the broker' });
    const { decisions } = run({ a: copy }, 'a|', true, ({ cache }) => cache.restore(recordFor(original)));
    expect(decisions).toEqual(['cached p9@1']);
  });

  it('with the cache off, sends the same content at a new version to the LLM (rollback switch)', () => {
    const v1 = work('p1', 1);
    const { decisions, cache } = run({ a: work('p1', 2), b: work('p9', 1) }, 'ab|', false, ({ cache }) =>
      cache.remember(v1, recordFor(v1)),
    );
    expect(decisions).toEqual(['needs p1@2', 'needs p9@1']);
    expect(cache.stats()).toMatchObject({ size: 0, maxSize: 0 });
  });

  it('coalesces a burst of versions of one page so only the newest waits for the LLM', () => {
    const { decisions, pending } = run(
      { a: work('p1', 1), b: work('p1', 2), c: work('p1', 3), d: work('p2', 1) },
      'abdc|',
    );
    expect(decisions).toEqual([
      'needs p1@1',
      'skipped p1@1 coalesced',
      'needs p1@2',
      'needs p2@1',
      'skipped p1@2 coalesced',
      'needs p1@3',
    ]);
    expect(pending.waiting).toBe(2);
  });

  it('skips an older version that arrives after a newer one is already waiting', () => {
    const { decisions } = run({ a: work('p1', 3), b: work('p1', 2), c: work('p1', 3) }, 'abc|');
    expect(decisions).toEqual(['needs p1@3', 'skipped p1@2 stale', 'skipped p1@3 duplicate']);
  });

  it('answers a newer version from the cache and coalesces the older one still waiting', () => {
    const known = work('p7', 1, { title: 'Same', body: 'same text' });
    const { decisions, pending } = run(
      { a: work('p1', 1), b: work('p1', 2, { title: 'Same', body: 'same text' }) },
      'ab|',
      true,
      ({ cache }) => cache.restore(recordFor(known)),
    );
    expect(decisions).toEqual(['needs p1@1', 'skipped p1@1 coalesced', 'cached p1@2']);
    expect(pending.waiting).toBe(0);
  });

  it('turns a removal into a tombstone, coalesces a waiting version and forgets the page', () => {
    const removed = work('p1', 3, { type: 'page_removed', title: '', body: '' });
    const { decisions, cache, pending } = run(
      { a: work('p1', 2), r: removed, c: work('p1', 4) },
      'arc|',
      true,
      ({ cache }) => cache.restore(recordFor(work('p1', 1))),
    );
    expect(decisions).toEqual(['needs p1@2', 'skipped p1@2 coalesced', 'tombstone p1', 'needs p1@4']);
    expect(cache.lastVersion('p1')).toBe(3);
    expect(pending.waiting).toBe(1);
  });

  it('does not publish a late answer for a page removed while its call was out', () => {
    const s = setup();
    const v2 = work('p1', 2);
    const removed = work('p1', 2, { type: 'page_removed', title: '', body: '' });
    scheduler().run(({ cold }) => {
      cold('ab|', { a: v2, b: removed })
        .pipe(dedupeAndCoalesce(s.cache, { pending: s.pending }))
        .subscribe();
    });
    // v2 was still waiting, so the removal withdrew it: the dispatcher will not send it.
    expect(s.pending.claim(v2)).toBe(false);
    // A version already in an LLM call cannot be withdrawn; its late answer must not be published.
    const inFlight = work('p5', 1);
    s.pending.enqueue(inFlight);
    s.pending.claim(inFlight);
    s.cache.remove('p5', 1);
    expect(settleTagged(s.cache, s.pending, inFlight, recordFor(inFlight))).toMatchObject({
      kind: 'skipped',
      reason: 'stale',
    });
  });

  it('stamps cached records with the scheduler clock', () => {
    const s = setup();
    const v1 = work('p1', 1, { body: 'unchanged' });
    s.cache.remember(v1, recordFor(v1));
    const out: DedupeDecision[] = [];
    const ts = scheduler();
    ts.run(({ cold }) => {
      cold('---a|', { a: work('p1', 2, { body: 'unchanged' }) })
        .pipe(dedupeAndCoalesce(s.cache, { pending: s.pending, scheduler: ts }))
        .subscribe((d) => out.push(d));
    });
    expect(out[0]).toMatchObject({ record: { taggedAt: new Date(3).toISOString() } });
  });

  it('sends a source error downstream', () => {
    const s = setup();
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('a#', { a: work('p1', 1) }).pipe(
        dedupeAndCoalesce(s.cache, { pending: s.pending }),
        map((d) => d.kind),
      );
      expectObservable(result).toBe('a#', { a: 'needs_tags' });
    });
  });

  it('unsubscribes from the source on teardown', () => {
    const s = setup();
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('a---b', { a: work('p1', 1), b: work('p2', 1) });
      const result = source.pipe(
        dedupeAndCoalesce(s.cache, { pending: s.pending }),
        map((d) => d.kind),
      );
      expectObservable(result, '^-!').toBe('a', { a: 'needs_tags' });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });
});
