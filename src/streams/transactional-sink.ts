import {
  asyncScheduler,
  bufferTime,
  concatMap,
  filter,
  mergeMap,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import type { Producer } from 'kafkajs';
import { logger } from '../log.js';
import type { Delivery, Outcome } from '../work.js';
import type { PartitionOffset } from './offset-tracker.js';
import { toTopicMessages, type HeadersFor } from './kafka-sink.js';

const log = logger('transactional-sink');

/** What the sink needs of the source: ownership, completion marks and the offsets they free. */
export interface TransactionalSource {
  readonly groupId: string;
  owns(topic: string, partition: number): boolean;
  finished(delivery: Delivery): void;
  readonly tracker: { takeCommits(): PartitionOffset[] };
}

export interface TransactionalSinkOptions {
  /** A producer created with a transactionalId (and idempotent). */
  producer: Producer;
  source: TransactionalSource;
  tagsTopic: string;
  dlqTopic: string;
  maxBatch?: number;
  lingerMs?: number;
  scheduler?: SchedulerLike;
  /** The TagRecords' headers (kafka-sink.ts); tracing passes its produce span's context. */
  headersFor?: HeadersFor;
}

/**
 * Exactly-once: each flush is one Kafka transaction holding its TagRecords, tombstones, dead
 * letters and the consumed offsets they complete (sendOffsets), so they commit or abort together.
 * Readers of the tags topic use read_committed and never see a half-written flush.
 *
 * Outcomes of partitions this member no longer owns are dropped before the transaction: their
 * events are the new owner's, who re-reads them from the last committed offset.
 */
export function transactionalKafkaSink(opts: TransactionalSinkOptions): OperatorFunction<Outcome, Outcome> {
  const {
    producer,
    source,
    tagsTopic,
    dlqTopic,
    maxBatch = 500,
    lingerMs = 50,
    scheduler = asyncScheduler,
  } = opts;
  return (outcomes$) =>
    outcomes$.pipe(
      bufferTime(lingerMs, null, maxBatch, scheduler),
      filter((batch) => batch.length > 0),
      concatMap(async (batch) => {
        const owned = batch.filter((o) => source.owns(o.delivery.topic, o.delivery.partition));
        if (owned.length < batch.length)
          log.info({ dropped: batch.length - owned.length }, 'outcomes of lost partitions dropped');
        if (owned.length === 0) return owned;
        const tx = await producer.transaction();
        try {
          const topicMessages = toTopicMessages(owned, tagsTopic, dlqTopic, opts.headersFor);
          if (topicMessages.length > 0) await tx.sendBatch({ topicMessages });
          for (const o of owned) source.finished(o.delivery);
          const offsets = source.tracker.takeCommits();
          if (offsets.length > 0) {
            await tx.sendOffsets({ consumerGroupId: source.groupId, topics: byTopic(offsets) });
          }
          await tx.commit();
        } catch (err) {
          await tx.abort().catch(() => undefined);
          throw err;
        }
        return owned;
      }),
      mergeMap((written) => written),
    );
}

function byTopic(
  offsets: PartitionOffset[],
): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const o of offsets) {
    const list = topics.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: o.offset });
    topics.set(o.topic, list);
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
