import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';

/**
 * Collects values into arrays the way a producer's linger does. A buffer opens with its first
 * value and is emitted when the first of these holds:
 *
 *   full     it holds maxSize values
 *   linger   lingerMs have passed since its first value
 *   end      the source completed
 *
 * Unlike bufferTime, nothing is scheduled while nothing arrives, and no empty array is emitted:
 * an idle pipeline does not wake every lingerMs to flush nothing (an idle `tagspace run` woke 50
 * times a second for its sink's 20 ms bufferTime). A lone value waits the whole lingerMs, where
 * bufferTime's fixed slots let it wait anything up to lingerMs.
 * Errors go downstream at once, dropping the open buffer as bufferTime does; teardown cancels the
 * linger timer.
 */
export function bufferLinger<T>(
  lingerMs: number,
  maxSize: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, T[]> {
  if (!(maxSize >= 1)) throw new RangeError(`bufferLinger: maxSize must be at least 1, not ${maxSize}`);
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let buffer: T[] = [];
      let timer: Subscription | undefined;
      const flush = (): void => {
        timer?.unsubscribe();
        timer = undefined;
        const full = buffer;
        // Swapped before next(): a value the subscriber causes synchronously opens a new buffer.
        buffer = [];
        subscriber.next(full);
      };
      const upstream = source.subscribe({
        next(value) {
          buffer.push(value);
          if (buffer.length >= maxSize) flush();
          else timer ??= scheduler.schedule(flush, Math.max(0, lingerMs));
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          if (buffer.length > 0) flush();
          subscriber.complete();
        },
      });
      return () => {
        upstream.unsubscribe();
        timer?.unsubscribe();
        buffer = [];
      };
    });
}
