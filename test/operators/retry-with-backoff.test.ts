import { defer, Observable, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ORIGIN_BACKOFF, type BackoffPolicy } from '../../src/operators/backoff.js';
import { retryWithBackoff } from '../../src/operators/retry-with-backoff.js';
import { isRetriable, TagspaceError } from '../../src/model/errors.js';

const policy: BackoffPolicy = { ...ORIGIN_BACKOFF, jitter: 0 };

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

const overloaded = new TagspaceError('overloaded', 'provider answered 503');
const rateLimited = new TagspaceError('rate_limited', 'provider answered 429', { retryAfterMs: 3_000 });
const badRequest = new TagspaceError('bad_request', 'provider rejects the input');

const hintMs = (err: unknown) => (err instanceof TagspaceError ? err.retryAfterMs : undefined);

describe('retryWithBackoff', () => {
  it('retries after 0.5 s, 1 s and 2 s, then lets the last error through', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, overloaded);
      const result = source.pipe(retryWithBackoff({ policy, shouldRetry: isRetriable }));
      expectObservable(result).toBe('3500ms #', undefined, overloaded);
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '500ms (^!)', '1500ms (^!)', '3500ms (^!)']);
    });
  });

  it('waits as long as the provider hint says when it is longer than the backoff', () => {
    scheduler().run(({ expectObservable }) => {
      let calls = 0;
      const source = defer(() => (++calls === 1 ? throwError(() => rateLimited) : of('tags')));
      const result = source.pipe(retryWithBackoff({ policy, shouldRetry: isRetriable, hintMs }));
      expectObservable(result).toBe('3000ms (a|)', { a: 'tags' });
    });
  });

  it('does not retry an error that retrying cannot fix', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('#', undefined, badRequest);
      const result = source.pipe(retryWithBackoff({ policy, shouldRetry: isRetriable }));
      expectObservable(result).toBe('#', undefined, badRequest);
      expectSubscriptions(source.subscriptions).toBe('(^!)');
    });
  });

  it('never retries a programming error', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const bug = new TypeError('undefined is not a function');
      const result = cold('#', undefined, bug).pipe(retryWithBackoff({ policy, shouldRetry: isRetriable }));
      expectObservable(result).toBe('#', undefined, bug);
    });
  });

  it('passes values through and completes when the source succeeds', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('-a-b|').pipe(retryWithBackoff({ policy, shouldRetry: isRetriable }));
      expectObservable(result).toBe('-a-b|');
    });
  });

  it('reports each retry with its attempt, delay and error', () => {
    const seen: { attempt: number; delayMs: number; error: unknown }[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('#', undefined, overloaded).pipe(
        retryWithBackoff({
          policy: { ...policy, maxRetries: 2 },
          shouldRetry: isRetriable,
          onRetry: (i) => seen.push(i),
        }),
      );
      expectObservable(result).toBe('1500ms #', undefined, overloaded);
    });
    expect(seen).toEqual([
      { attempt: 1, delayMs: 500, error: overloaded },
      { attempt: 2, delayMs: 1000, error: overloaded },
    ]);
  });

  it('draws jitter from the injected random source', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const result = cold('#', undefined, overloaded).pipe(
        retryWithBackoff({
          policy: { ...policy, maxRetries: 1, jitter: 0.2 },
          shouldRetry: isRetriable,
          random: () => 0,
        }),
      );
      expectObservable(result).toBe('400ms #', undefined, overloaded);
    });
  });

  it('cancels a pending retry when unsubscribed', () => {
    let subscriptions = 0;
    scheduler().run(({ expectObservable }) => {
      const source = new Observable<string>((subscriber) => {
        subscriptions += 1;
        subscriber.error(overloaded);
      });
      const result = source.pipe(retryWithBackoff({ policy, shouldRetry: isRetriable }));
      expectObservable(result, '^ 700ms !').toBe('');
    });
    // The first call and the retry at 500 ms ran; the one due at 1500 ms never did.
    expect(subscriptions).toBe(2);
  });
});
