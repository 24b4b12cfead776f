import { map, Subject, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { bufferLinger } from '../../src/operators/buffer-linger.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const joined = map((xs: string[]) => xs.join(''));

/** A scheduler that counts the tasks asked of it. */
function counting(inner: SchedulerLike): SchedulerLike & { scheduled: number } {
  const counted = {
    scheduled: 0,
    now: () => inner.now(),
    schedule: ((...args: Parameters<SchedulerLike['schedule']>) => {
      counted.scheduled++;
      return inner.schedule(...args);
    }) as SchedulerLike['schedule'],
  };
  return counted;
}

describe('bufferLinger', () => {
  it('emits a buffer lingerMs after its first value, with everything that came meanwhile', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const result = hot('a 9ms b 9ms c').pipe(bufferLinger(20, 10), joined);
      expectObservable(result).toBe('20ms x', { x: 'abc' });
    });
  });

  it('counts the linger time from the first value of a buffer, not from the last', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const result = hot('a 14ms b 14ms c 14ms d').pipe(bufferLinger(20, 10), joined);
      expectObservable(result).toBe('20ms x 29ms y', { x: 'ab', y: 'cd' });
    });
  });

  it('emits a buffer at once when it holds maxSize values', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('abcde 100ms |').pipe(bufferLinger(20, 2), joined);
      expectObservable(result).toBe('-x-y 20ms z 80ms |', { x: 'ab', y: 'cd', z: 'e' });
    });
  });

  it('emits the open buffer when the source completes, then completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('ab|').pipe(bufferLinger(1_000, 10), joined);
      expectObservable(result).toBe('--(x|)', { x: 'ab' });
    });
  });

  it('completes without emitting when the source completes with nothing open', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('50ms |').pipe(bufferLinger(20, 10), joined)).toBe('50ms |');
    });
  });

  it('schedules nothing while nothing arrives', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable, flush }) => {
      const clock = counting(ts);
      const result = hot('1000ms a').pipe(bufferLinger(20, 10, clock), joined);
      expectObservable(result).toBe('1020ms x', { x: 'a' });
      flush();
      expect(clock.scheduled).toBe(1);
    });
  });

  it('sends an error downstream at once, dropping the open buffer', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const result = hot('a 5ms #').pipe(bufferLinger(20, 10), joined);
      expectObservable(result).toBe('6ms #');
    });
  });

  it('cancels the linger timer when unsubscribed', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const result = hot('a').pipe(bufferLinger(20, 10), joined);
      expectObservable(result, '^ 10ms !').toBe('');
    });
  });

  it('puts a value that the subscriber causes synchronously into the next buffer', () => {
    const ts = scheduler();
    ts.run(({ flush }) => {
      const input = new Subject<string>();
      const seen: string[] = [];
      input.pipe(bufferLinger(20, 2, ts), joined).subscribe((x) => {
        seen.push(x);
        if (x === 'ab') input.next('c');
      });
      input.next('a');
      input.next('b');
      flush();
      expect(seen).toEqual(['ab', 'c']);
    });
  });

  it('refuses a maxSize below one', () => {
    expect(() => bufferLinger(20, 0)).toThrow(/maxSize must be at least 1, not 0/);
  });
});
