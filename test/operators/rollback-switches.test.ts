import {
  connect,
  defer,
  EMPTY,
  filter,
  finalize,
  from,
  map,
  merge,
  mergeMap,
  tap,
  timer,
  type Observable,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { batchPages } from '../../src/operators/batch-pages.js';
import { dedupeAndCoalesce } from '../../src/operators/dedupe-and-coalesce.js';
import { mergeMapWithLimit } from '../../src/operators/merge-map-with-limit.js';
import { claimBatch, PendingPages } from '../../src/pipeline/pending-pages.js';
import { settleTagged } from '../../src/pipeline/settle-work.js';
import { ProviderGate } from '../../src/router/provider-gate.js';
import { TagCache } from '../../src/pipeline/tag-cache.js';
import type { Outcome, PageWork } from '../../src/model/work.js';
import { recordFor, work } from './fixtures.js';

/**
 * The operators composed as the pipeline composes them (dedupe → batch → mergeMapWithLimit → a
 * fake LLM taking 10 ms a call), to show the origin document's rollback switches and coalescing
 * end to end.
 */
interface Switches {
  batchSize: number;
  concurrency: number;
  cacheEnabled: boolean;
}

interface Run {
  calls: string[][];
  maxInFlight: number;
  outcomes: Outcome[];
}

function runPipeline(
  switches: Switches,
  marbles: string,
  values: Record<string, PageWork>,
  cache?: TagCache,
): Run {
  const calls: string[][] = [];
  const outcomes: Outcome[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
  ts.run(({ cold }) => {
    const tags = cache ?? new TagCache({ enabled: switches.cacheEnabled, maxSize: 100 });
    const pending = new PendingPages();
    const limit = ProviderGate.create({ policy: 'fixed', initial: switches.concurrency, max: 10 });
    const llm = (batch: PageWork[]): Observable<Outcome> =>
      defer(() => {
        const live = claimBatch(pending, batch);
        if (live.length === 0) return EMPTY;
        calls.push(live.map((w) => `${w.event.pageId}@${w.event.version}`));
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return timer(10).pipe(
          mergeMap(() => from(live.map((w) => settleTagged(tags, pending, w, recordFor(w))))),
          // Counted down before the completion reaches mergeMapWithLimit, which frees the slot.
          tap({ complete: () => (inFlight -= 1) }),
        );
      });
    cold(marbles, values)
      .pipe(
        dedupeAndCoalesce(tags, { pending }),
        connect((decisions$) =>
          merge(
            decisions$.pipe(filter((d): d is Outcome => d.kind !== 'needs_tags')),
            decisions$.pipe(
              filter((d) => d.kind === 'needs_tags'),
              map((d) => (d.kind === 'needs_tags' ? d.work : (undefined as never))),
              batchPages({
                maxPages: switches.batchSize,
                lingerMs: 5,
                maxPromptTokens: 100_000,
                isLive: (w) => pending.isWaiting(w),
              }),
              mergeMapWithLimit(llm, limit.limit$),
            ),
          ),
        ),
        finalize(() => limit.close()),
      )
      .subscribe((o) => outcomes.push(o));
  });
  return { calls, maxInFlight, outcomes };
}

const pages = Object.fromEntries('abcdefghij'.split('').map((id, i) => [id, work(`p${i}`, 1)])) as Record<
  string,
  PageWork
>;
const normal: Switches = { batchSize: 5, concurrency: 3, cacheEnabled: true };

describe('the origin document’s rollback switches', () => {
  it('normally packs ten pages into two calls, run side by side', () => {
    const run = runPipeline(normal, 'abcdefghij|', pages);
    expect(run.calls.map((c) => c.length)).toEqual([5, 5]);
    expect(run.maxInFlight).toBe(2);
    expect(run.outcomes).toHaveLength(10);
  });

  it('TAG_SPACE_BATCH_SIZE=1 sends one page per call', () => {
    const run = runPipeline({ ...normal, batchSize: 1 }, 'abcdefghij|', pages);
    expect(run.calls).toHaveLength(10);
    expect(run.calls.every((c) => c.length === 1)).toBe(true);
    expect(run.outcomes.filter((o) => o.kind === 'tagged')).toHaveLength(10);
  });

  it('TAG_SPACE_AI_CONCURRENCY=1 never has two calls out at once', () => {
    const run = runPipeline({ ...normal, batchSize: 1, concurrency: 1 }, 'abcdefghij|', pages);
    expect(run.calls).toHaveLength(10);
    expect(run.maxInFlight).toBe(1);
  });

  it('TAG_SPACE_CACHE_ENABLED=false asks the LLM again for content it has already tagged', () => {
    const edit = (w: PageWork) => work(w.event.pageId, 2, { title: w.event.title, body: w.event.body });
    const second = Object.fromEntries(Object.entries(pages).map(([k, w]) => [k, edit(w)]));
    for (const enabled of [true, false]) {
      const cache = new TagCache({ enabled, maxSize: 100 });
      runPipeline({ ...normal, cacheEnabled: enabled }, 'abcdefghij|', pages, cache);
      const rerun = runPipeline({ ...normal, cacheEnabled: enabled }, 'abcdefghij|', second, cache);
      const cached = rerun.outcomes.filter((o) => o.kind === 'tagged' && o.record.cached).length;
      expect({ enabled, calls: rerun.calls.length, cached }).toEqual(
        enabled ? { enabled, calls: 0, cached: 10 } : { enabled, calls: 2, cached: 0 },
      );
    }
  });
});

describe('coalescing end to end', () => {
  it('spends one LLM slot on the newest of a burst, wherever the older versions waited', () => {
    const v = [1, 2, 3, 4].map((n) => work('hot', n));
    const values = { a: v[0], b: v[1], c: v[2], d: v[3], x: work('cold', 1) } as Record<string, PageWork>;
    // v1 and x leave in the first batch at 5 ms and hold the single slot until 15 ms. v2 (6 ms)
    // lingers until 11 ms and then waits in the queue for the slot; v3 (12 ms) replaces it
    // there and waits in the batcher; v4 (13 ms) replaces v3 in the batcher. At 15 ms the
    // queued batch of v2 is found superseded and costs nothing; v4 goes alone.
    const run = runPipeline({ ...normal, concurrency: 1 }, 'ax 4ms b 5ms cd|', values);
    expect(run.calls).toEqual([['hot@1', 'cold@1'], ['hot@4']]);
    const byOffset = new Map(run.outcomes.map((o) => [o.delivery.offset, o]));
    expect(byOffset.size).toBe(run.outcomes.length);
    expect(run.outcomes).toHaveLength(5);
    const kinds = Object.values(values).map((w) => {
      const o = byOffset.get(w.delivery.offset);
      return o?.kind === 'skipped' ? `skipped:${o.reason}` : o?.kind;
    });
    expect(kinds).toEqual(['tagged', 'skipped:coalesced', 'skipped:coalesced', 'tagged', 'tagged']);
  });
});
