import {
  asyncScheduler,
  merge,
  retry,
  take,
  throwError,
  timer,
  type MonoTypeOperatorFunction,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import { backoffDelay, type BackoffPolicy } from './backoff.js';

/**
 * Resubscribes to the source after a failure, waiting backoffDelay(attempt, policy, random, hint)
 * first (see backoff.ts for the formula), at most policy.maxRetries times. An error that
 * `shouldRetry` rejects, or the error after the last retry, goes downstream unchanged.
 *
 * The source must be cold (e.g. `defer(() => provider.call(batch))`), so that a resubscription is
 * a new call. `wake(err)`, when it gives a stream, ends the wait early at its first value (what
 * the error waited for happened sooner: a provider became available).
 */
export interface RetryConfig {
  policy: BackoffPolicy;
  /** `attempt` is the retry about to happen: 1 for the first retry. Typically `isRetriable`. */
  shouldRetry: (err: unknown, attempt: number) => boolean;
  /** The provider's wait hint carried by the error (e.g. TagspaceError.retryAfterMs). */
  hintMs?: (err: unknown) => number | undefined;
  random?: () => number;
  scheduler?: SchedulerLike;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  wake?: (err: unknown) => Observable<unknown> | undefined;
}

export function retryWithBackoff<T>(config: RetryConfig): MonoTypeOperatorFunction<T> {
  const random = config.random ?? Math.random;
  const scheduler = config.scheduler ?? asyncScheduler;
  return retry<T>({
    count: Math.max(0, config.policy.maxRetries),
    delay: (error: unknown, attempt: number) => {
      if (!config.shouldRetry(error, attempt)) return throwError(() => error);
      const delayMs = backoffDelay(attempt, config.policy, random, config.hintMs?.(error));
      config.onRetry?.({ attempt, delayMs, error });
      const wake = config.wake?.(error);
      const wait = timer(delayMs, scheduler);
      return wake === undefined ? wait : merge(wait, wake).pipe(take(1));
    },
  });
}
