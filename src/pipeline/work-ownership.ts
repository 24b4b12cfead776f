import { NEVER, type Observable } from 'rxjs';
import type { Delivery } from '../model/work.js';

/**
 * Which deliveries are still this consumer's to finish (the Kafka source answers: kafka-source.ts).
 * When it loses partitions, the pipeline drops their pages that have not gone to a provider yet
 * — in the batcher, in a batch waiting for a slot or at the provider's gate, or between retries —
 * at once: no call is spent on them, no outcome is written, and `dropped` tells the source each
 * is over (their new owner reads them again from the last commit).
 */
export interface WorkOwnership {
  owns(delivery: Delivery): boolean;
  /** This delivery will have no outcome: its partition is another consumer's now. */
  dropped(delivery: Delivery): void;
  /** Emits whenever this consumer lost partitions. */
  readonly lost$: Observable<unknown>;
}

/** A pipeline whose input nobody else can take (a file, a test): everything stays its own. */
export const OWNS_EVERYTHING: WorkOwnership = {
  owns: () => true,
  dropped: () => {},
  lost$: NEVER,
};
