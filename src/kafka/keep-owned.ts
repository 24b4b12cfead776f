import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { Delivery, Outcome } from '../model/work.js';

/** What the ownership check needs of the source. */
export interface OwnershipSource {
  owns(delivery: Delivery): boolean;
  /** The outcome of this delivery will not be written: its partition is another member's now. */
  dropped(delivery: Delivery): void;
}

/**
 * At-least-once mode: lets through the outcomes of partitions this member still owns and drops
 * the others (their events are re-read by the new owner from the last committed offset; writing
 * them late could put an older version of a page after a newer one on the compacted tags topic).
 * `onDropped` lets the job forget what the pipeline remembered of a dropped outcome.
 */
export function keepOwned(
  source: OwnershipSource,
  onDropped: (outcome: Outcome) => void = () => {},
): MonoTypeOperatorFunction<Outcome> {
  return filter((outcome) => {
    if (source.owns(outcome.delivery)) return true;
    // Forgotten before released: the release may start the restore of a partition that came back.
    onDropped(outcome);
    source.dropped(outcome.delivery);
    return false;
  });
}
