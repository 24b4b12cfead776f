import type { Kafka } from 'kafkajs';

export interface KafkaSourceOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
  /** Events in flight at most: fetching waits at this many and goes on below three quarters. */
  maxInFlight: number;
  /**
   * A tighter bound that moves (the read-ahead: about what the providers serve in a window),
   * read at each check; maxInFlight caps it.
   */
  readAhead?: () => number;
  /**
   * Bounded run: the end offset (exclusive) of each non-empty partition, captured at start. The
   * stream completes once every listed partition has been read up to it (at once if none is).
   */
  stopAt?: ReadonlyMap<number, string>;
  /** A rebalance began: the last chance to commit what is written before partitions move. */
  onRebalancing?: () => void;
  /**
   * Partitions newly assigned to this member are held (not fetched) until this settles: the job
   * restores the tag state of their pages first. A rejection fails the stream.
   */
  onAssigned?: (partitions: number[], signal: AbortSignal) => Promise<void>;
  /**
   * The group is this source's alone (a replay's throwaway group): no other member can take its
   * partitions, so a consumer crash does not cost it the work it has in flight.
   */
  exclusive?: boolean;
  /** The consumer failed for good: the stream errors, and so should the job, even once drained. */
  onFatal?: (error: Error) => void;
  /** A member silent this long is dropped from the group (and its partitions reassigned); the settings table holds its default. */
  sessionTimeoutMs: number;
}
