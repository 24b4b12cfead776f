import { map, type SchedulerLike, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { batchPages } from '../../src/operators/batch-pages.js';
import type { PageWork } from '../../src/model/work.js';
import { sized } from './fixtures.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Pages named by marble letters, 10 tokens each unless given. */
function pages(tokens: Record<string, number> = {}): Record<string, PageWork> {
  const out: Record<string, PageWork> = {};
  for (const id of 'abcdefgh') out[id] = sized(id, tokens[id] ?? 10);
  return out;
}

const ids = map((batch: PageWork[]) => batch.map((w) => w.event.pageId).join(''));

const roomy = { maxPages: 5, lingerMs: 1_000, maxPromptTokens: 10_000, overheadTokens: 0 };

describe('batchPages', () => {
  it('emits a batch as soon as it holds maxPages pages', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('abcdef|', pages()).pipe(batchPages({ ...roomy, maxPages: 3 }), ids);
      expectObservable(result).toBe('--x--y|', { x: 'abc', y: 'def' });
    });
  });

  it('sends a lone page after the linger time instead of waiting for more', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const result = hot('a', pages()).pipe(batchPages({ ...roomy, lingerMs: 200 }), ids);
      expectObservable(result).toBe('200ms x', { x: 'a' });
    });
  });

  it('counts the linger time from the first page of the batch, not the last', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const result = hot('a 99ms b 99ms c 99ms d', pages()).pipe(
        batchPages({ ...roomy, lingerMs: 250 }),
        ids,
      );
      expectObservable(result).toBe('250ms x 299ms y', { x: 'abc', y: 'd' });
    });
  });

  it('starts a batch before a page that would take it over the token budget', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('abc|', pages({ a: 40, b: 40, c: 40 }));
      const result = source.pipe(batchPages({ ...roomy, maxPromptTokens: 100 }), ids);
      expectObservable(result).toBe('--x(y|)', { x: 'ab', y: 'c' });
    });
  });

  it('counts the prompt overhead against the budget', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // 3 × 30 fits 100 on its own, but not beside 50 tokens of instructions.
      const source = cold('abc|', pages({ a: 30, b: 30, c: 30 }));
      const result = source.pipe(batchPages({ ...roomy, maxPromptTokens: 100, overheadTokens: 50 }), ids);
      expectObservable(result).toBe('-xy(z|)', { x: 'a', y: 'b', z: 'c' });
    });
  });

  it('sends a page larger than the budget on its own', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('abc|', pages({ b: 500 }));
      const result = source.pipe(batchPages({ ...roomy, maxPromptTokens: 100 }), ids);
      expectObservable(result).toBe('-xy(z|)', { x: 'a', y: 'b', z: 'c' });
    });
  });

  it('flushes what is left when the source completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('ab-|', pages()).pipe(batchPages(roomy), ids);
      expectObservable(result).toBe('---(x|)', { x: 'ab' });
    });
  });

  it('with maxPages 1 (the rollback switch) sends every page alone', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('abc|', pages()).pipe(batchPages({ ...roomy, maxPages: 1 }), ids);
      expectObservable(result).toBe('xyz|', { x: 'a', y: 'b', z: 'c' });
    });
  });

  it('drops pages that stopped being live and never emits an empty batch', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const p = pages();
      const dead = new Set([p.a, p.c]);
      const result = hot('a-b-c----d', p).pipe(
        batchPages({ ...roomy, maxPages: 2, lingerMs: 3, isLive: (w) => !dead.has(w) }),
        ids,
      );
      // a and c are dead on arrival: neither starts a linger nor counts towards a batch, so b
      // leaves alone when its own linger ends (frame 5); d lingers on its own until frame 12.
      expectObservable(result).toBe('-----x------y', { x: 'b', y: 'd' });
    });
  });

  it('sends errors downstream with what was buffered discarded', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('ab#', pages()).pipe(batchPages(roomy), ids);
      expectObservable(result).toBe('--#');
    });
  });

  it('sends a throw from its isLive check downstream as an error and unsubscribes the source', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('ab-c|', pages());
      const isLive = (w: PageWork): boolean => {
        if (w.event.pageId === 'a') throw new Error('isLive broke');
        return true;
      };
      const result = source.pipe(batchPages({ ...roomy, isLive }), ids);
      // a's arrival asks whether a batch is due, which asks isLive(a).
      expectObservable(result).toBe('#', undefined, new Error('isLive broke'));
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
  });

  it('sends a throw at the linger flush downstream as an error', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      const isLive = (): boolean => {
        if (ts.now() >= 20) throw new Error('isLive broke');
        return true;
      };
      const result = hot('a', pages()).pipe(batchPages({ ...roomy, lingerMs: 20, isLive }), ids);
      expectObservable(result).toBe('20ms #', undefined, new Error('isLive broke'));
    });
  });

  it('holds pages while the consumer wants no batch, and cuts them when it does', () => {
    scheduler().run(({ hot, cold, expectObservable }) => {
      const demand$ = hot('0------1-1--1', { 0: 0, 1: 1 });
      const result = cold('abcdefg|', pages()).pipe(batchPages({ ...roomy, maxPages: 3, demand$ }), ids);
      // One batch each time a slot frees, of the oldest pages; what is left once the source
      // completed goes with the next free slot, and then the operator completes.
      expectObservable(result).toBe('-------x-y--(z|)', { x: 'abc', y: 'def', z: 'g' });
    });
  });

  it('cuts a batch at the size of the moment it leaves, not of when its pages came', () => {
    scheduler().run(({ hot, cold, expectObservable }) => {
      let size = 2;
      const demand$ = hot('0---1-1', { 0: 0, 1: 1 });
      cold('-----x').subscribe(() => (size = 4));
      const result = cold('abcdefgh|', pages()).pipe(
        batchPages({ ...roomy, maxPages: () => size, demand$ }),
        ids,
      );
      // g and h wait for the next slot.
      expectObservable(result).toBe('----x-y', { x: 'ab', y: 'cdef' });
    });
  });

  it('tells of every cut: the pages in the batch and the pages still waiting', () => {
    const cuts: [number, number][] = [];
    scheduler().run(({ hot, cold, expectObservable }) => {
      const demand$ = hot('0---1-1', { 0: 0, 1: 1 });
      const result = cold('abcdefg|', pages()).pipe(
        batchPages({ ...roomy, maxPages: 3, demand$, onCut: (n, waiting) => cuts.push([n, waiting]) }),
        ids,
      );
      expectObservable(result).toBe('----x-y', { x: 'abc', y: 'def' });
    });
    // At frame 4 d waits behind abc (e comes in the same frame, after the slot); at 6, g has not
    // come yet when the slot frees.
    expect(cuts).toEqual([
      [3, 1],
      [3, 0],
    ]);
  });

  it('asks the size with the pages waiting to be cut, so a backlog can size its own first batch', () => {
    const asked: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const burst = cold('(abcdefg|)', pages()).pipe(
        batchPages({ ...roomy, maxPages: (waiting) => (asked.push(waiting), waiting >= 6 ? 4 : 3) }),
        ids,
      );
      expectObservable(burst).toBe('(xy|)', { x: 'abcd', y: 'efg' });
    });
    expect(asked).toEqual([7, 3]);
  });

  it('starts the linger of pages that waited for a slot from their arrival', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const demand$ = hot('0-------1', { 0: 0, 1: 1 });
      const result = hot('a', pages()).pipe(batchPages({ ...roomy, lingerMs: 5, demand$ }), ids);
      // a waited 8 frames for the slot, more than its linger: it leaves the moment it can.
      expectObservable(result).toBe('--------x', { x: 'a' });
    });
  });

  it('clears the linger timer on teardown', () => {
    const timers: Subscription[] = [];
    const ts = scheduler();
    ts.run(({ hot, expectObservable, expectSubscriptions }) => {
      const counting: SchedulerLike = {
        now: () => ts.now(),
        schedule: (work, delay, state) => {
          const sub = ts.schedule(work as never, delay, state);
          timers.push(sub);
          return sub;
        },
      };
      const source = hot('a', pages());
      const result = source.pipe(batchPages({ ...roomy, lingerMs: 50, scheduler: counting }), ids);
      expectObservable(result, '^ 9ms !').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^ 9ms !');
    });
    // The look at the page once its burst was in (done), then its linger timer: cancelled.
    expect(timers).toHaveLength(2);
    expect(timers[1]?.closed).toBe(true);
  });
});
