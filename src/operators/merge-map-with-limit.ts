import { from, Observable, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';

export interface MergeMapWithLimitOptions {
  /** Told how many values it would dispatch now, after every change (see below). */
  demand?: (wanted: number) => void;
}

/**
 * mergeMap whose concurrency is read from limit$ at every dispatch: lowering it never cancels work in flight; raising it dispatches queued items at once; limit 0 holds all new dispatches.
 *
 *   dispatch the oldest queued value while  active < limit
 *
 * `project` is called at dispatch time, not on arrival, so it sees the world as it is when a slot
 * frees (e.g. whether a queued page has been superseded meanwhile). Until limit$ first emits nothing
 * is dispatched. Completes when the source has completed, the queue is empty and nothing is in
 * flight; an error from the source, from limit$ or from any inner goes downstream at once and
 * tears down everything else. The queue is unbounded, like mergeMap's buffer: backpressure belongs
 * upstream — `demand` tells upstream how many values it would dispatch now,
 *
 *   demand = limit − active − queued      (≤ 0: none)
 *
 * after every change of any of them, so a producer that listens (batchPages) can hold its values
 * until they can go.
 */
export function mergeMapWithLimit<T, R>(
  project: (value: T, index: number) => ObservableInput<R>,
  limit$: Observable<number>,
  opts: MergeMapWithLimitOptions = {},
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const queue: T[] = [];
      let limit = 0;
      let active = 0;
      let index = 0;
      let sourceDone = false;

      const finishIfDone = (): void => {
        if (sourceDone && active === 0 && queue.length === 0) subscriber.complete();
      };

      const dispatch = (value: T): void => {
        active += 1;
        let inner: Subscription | undefined;
        let finished = false;
        try {
          inner = from(project(value, index++)).subscribe({
            next: (result) => subscriber.next(result),
            error: (err: unknown) => subscriber.error(err),
            complete: () => {
              finished = true;
              active -= 1;
              if (inner !== undefined) subscriber.remove(inner);
              drain();
              finishIfDone();
            },
          });
        } catch (err) {
          subscriber.error(err);
          return;
        }
        if (!finished) subscriber.add(inner);
      };

      let draining = false;
      const drain = (): void => {
        // An inner that completes synchronously calls drain() again from inside dispatch(); the
        // loop below picks its freed slot up, so the nested call has nothing to do.
        if (draining) return;
        draining = true;
        try {
          while (!subscriber.closed && active < limit && queue.length > 0) dispatch(queue.shift() as T);
        } finally {
          draining = false;
        }
        if (!subscriber.closed) opts.demand?.(limit - active - queue.length);
      };

      subscriber.add(
        limit$.subscribe({
          next: (value) => {
            limit = Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;
            drain();
          },
          error: (err: unknown) => subscriber.error(err),
        }),
      );

      subscriber.add(
        source.subscribe({
          next: (value) => {
            queue.push(value);
            drain();
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            sourceDone = true;
            finishIfDone();
          },
        }),
      );
    });
}
