import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { mergeMapWithLimit } from '../../src/operators/merge-map-with-limit.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('mergeMapWithLimit', () => {
  it('runs at most `limit` inner observables at once and queues the rest in order', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const limit$ = cold('a', { a: 2 });
      const result = cold('abc|').pipe(mergeMapWithLimit((v) => cold('---(x|)', { x: v }), limit$));
      expectObservable(result).toBe('---ab-(c|)');
    });
  });

  it('lowering the limit never cancels work in flight', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const limit$ = hot('a--b', { a: 3, b: 1 });
      const result = cold('abcd|').pipe(mergeMapWithLimit((v) => cold('-----(x|)', { x: v }), limit$));
      // a, b, c finish although the limit fell to 1; d waits until all three are done.
      expectObservable(result).toBe('-----abc----(d|)');
    });
  });

  it('raising the limit dispatches queued values at once', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const limit$ = hot('a-----b', { a: 1, b: 3 });
      const result = cold('abc|').pipe(mergeMapWithLimit((v) => cold('----------(x|)', { x: v }), limit$));
      expectObservable(result).toBe('----------a-----(bc|)');
    });
  });

  it('tells upstream how many values it would dispatch now, after every change', () => {
    const ts = scheduler();
    const seen: [number, number][] = [];
    ts.run(({ cold, hot, expectObservable }) => {
      const limit$ = hot('a----b', { a: 2, b: 0 });
      const result = cold('ab-c|').pipe(
        mergeMapWithLimit((v) => cold('---(x|)', { x: v }), limit$, {
          demand: (wanted) => seen.push([ts.now(), wanted]),
        }),
      );
      expectObservable(result).toBe('---ab-(c|)');
    });
    // 2 free; a and b take them; c queues (−1); a and b end, c starts (1 free); the limit drops
    // to 0 with c running (−1); c ends (0).
    expect(seen).toEqual([
      [0, 2],
      [0, 1],
      [1, 0],
      [3, -1],
      [3, 0],
      [4, 1],
      [5, -1],
      [6, 0],
    ]);
  });

  it('holds every new dispatch while the limit is 0', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const limit$ = hot('a---b', { a: 0, b: 2 });
      const result = cold('ab|').pipe(mergeMapWithLimit((v) => cold('-(x|)', { x: v }), limit$));
      expectObservable(result).toBe('-----(ab|)');
    });
  });

  it('lets work in flight finish while a pause (limit 0) holds the queue', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const limit$ = hot('a-b----c', { a: 2, b: 0, c: 2 });
      const result = cold('abcd|').pipe(mergeMapWithLimit((v) => cold('---(x|)', { x: v }), limit$));
      // a and b were dispatched before the pause and finish; c and d wait for frame 7.
      expectObservable(result).toBe('---ab-----(cd|)');
    });
  });

  it('dispatches nothing until limit$ first emits', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const limit$ = cold('---a', { a: 1 });
      const result = cold('a|').pipe(mergeMapWithLimit((v) => cold('(x|)', { x: v }), limit$));
      expectObservable(result).toBe('---(a|)');
    });
  });

  it('calls project at dispatch time, with the dispatch index', () => {
    const calls: string[] = [];
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const limit$ = cold('a', { a: 1 });
      const result = cold('ab|').pipe(
        mergeMapWithLimit((v, i) => {
          calls.push(`${v}${i}@${ts.now()}`);
          return cold('--(x|)', { x: `${v}${i}` });
        }, limit$),
      );
      expectObservable(result).toBe('--x-(y|)', { x: 'a0', y: 'b1' });
    });
    // b arrived at frame 1 but its slot freed only at frame 2.
    expect(calls).toEqual(['a0@0', 'b1@2']);
  });

  it('sends an inner error downstream and tears down the other inners', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('------x|');
      const failing = cold('--#', undefined, new Error('boom'));
      const result = cold('ab|').pipe(
        mergeMapWithLimit((v) => (v === 'a' ? slow : failing), cold('a', { a: 2 })),
      );
      expectObservable(result).toBe('---#', undefined, new Error('boom'));
      expectSubscriptions(slow.subscriptions).toBe('^--!');
    });
  });

  it('sends a source error downstream at once, even with work in flight', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('a-#').pipe(mergeMapWithLimit(() => cold('-----x|'), cold('a', { a: 1 })));
      expectObservable(result).toBe('--#');
    });
  });

  it('sends a limit$ error downstream', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('a---|').pipe(mergeMapWithLimit(() => cold('-x|'), cold('a-#', { a: 1 })));
      expectObservable(result).toBe('-x#');
    });
  });

  it('sends a synchronous throw from project downstream', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('a|').pipe(
        mergeMapWithLimit<string, string>(
          () => {
            throw new Error('bad project');
          },
          cold('a', { a: 1 }),
        ),
      );
      expectObservable(result).toBe('#', undefined, new Error('bad project'));
    });
  });

  it('unsubscribes from the source, limit$ and every inner on teardown', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('ab---c');
      const limit$ = hot('a', { a: 5 });
      const inner = cold('------x|');
      const result = source.pipe(mergeMapWithLimit(() => inner, limit$));
      expectObservable(result, '^--!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(limit$.subscriptions).toBe('^--!');
      expectSubscriptions(inner.subscriptions).toBe(['^--!', '-^-!']);
    });
  });

  it('handles inners that complete synchronously', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('(abcdef|)').pipe(mergeMapWithLimit((v) => [v], cold('a', { a: 2 })));
      expectObservable(result).toBe('(abcdef|)');
    });
  });
});
