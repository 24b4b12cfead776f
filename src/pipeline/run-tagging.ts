import { tap, type Observable, type OperatorFunction } from 'rxjs';
import { tagDeliveries, type TaggingDeps } from './tag-deliveries.js';
import type { Delivery, Outcome } from '../model/work.js';

export interface TaggingRun {
  deliveries$: Observable<Delivery>;
  /** Writes outcomes and re-emits each once it is durable. */
  sink: OperatorFunction<Outcome, Outcome>;
  /** Called for every written outcome, in the order the sink confirmed them. */
  written: (outcome: Outcome) => void;
  deps: TaggingDeps;
}

/** Source → pipeline → sink; resolves when the source completed and everything is written. */
export function runTagging(run: TaggingRun): { done: Promise<void>; cancel: () => void } {
  let cancel = () => {};
  const done = new Promise<void>((resolve, reject) => {
    const sub = run.deliveries$
      .pipe(tagDeliveries(run.deps), run.sink, tap(run.written))
      .subscribe({ error: reject, complete: resolve });
    cancel = () => {
      sub.unsubscribe();
      resolve();
    };
  });
  return { done, cancel };
}
