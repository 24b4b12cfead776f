import { asyncScheduler, concatMap, mergeMap, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { logger } from '../telemetry/log.js';
import type { Delivery, Outcome } from '../model/work.js';
import { bufferLinger } from '../operators/buffer-linger.js';
import type { PartitionOffset } from './offset-tracker.js';
import { toTopicMessages, type HeadersFor } from './kafka-sink.js';
import type { PartitionSender } from './partition-sender.js';
import type { MarkedOffset, TransactionalProducer } from './transactional-producer.js';

const log = logger('transactional-sink');

/** What the sink needs of the source: ownership, completion marks and the offsets they free. */
export interface TransactionalSource {
  readonly groupId: string;
  owns(delivery: Delivery): boolean;
  finished(delivery: Delivery): void;
  dropped(delivery: Delivery): void;
  readonly ownership: { readonly version: number; settled(): Promise<void> };
  readonly tracker: {
    pendingCommitsWith(extra: readonly Delivery[]): PartitionOffset[];
    confirmedOffset(topic: string, partition: number): string | undefined;
    confirm(offsets: readonly PartitionOffset[]): void;
  };
}

/** What the sink needs of the producer (transactional-producer.ts). */
export type SinkProducer = Pick<TransactionalProducer, 'transaction' | 'reset' | 'marker' | 'committed'>;

export interface TransactionalSinkOptions {
  producer: SinkProducer;
  /** Writes each partition's records in its own produce call (partition-sender.ts). */
  sender: PartitionSender;
  source: TransactionalSource;
  tagsTopic: string;
  dlqTopic: string;
  maxBatch?: number;
  lingerMs?: number;
  scheduler?: SchedulerLike;
  /** The TagRecords' headers (kafka-sink.ts); tracing passes its produce span's context. */
  headersFor?: HeadersFor;
  /** An outcome was dropped: its partition is another member's now. */
  onDropped?: (outcome: Outcome) => void;
  /** Tries of one flush whose transaction failed, before the run fails (default 8). */
  maxAttempts?: number;
}

/**
 * Exactly-once: each flush is one Kafka transaction holding its TagRecords, tombstones, dead
 * letters and the consumed offsets they complete (sendOffsets), so they commit or abort together.
 * Readers of the tags topic use read_committed and never see a half-written flush.
 *
 *   flush(B):  wait until no rebalance is under way;  v ← ownership version
 *              W ← {o ∈ B | owns(o)}   (the rest is dropped: the new owner re-reads it)
 *              begin; send W; sendOffsets(committable prefix if W were finished, marked)
 *              v changed? abort, flush W again : commit, then mark W finished
 *
 * so no transaction commits outcomes of a partition this member lost while it was open, and the
 * tracker marks events finished only once their transaction committed. (kafkajs has no
 * generation-fenced offset commits, KIP-447; the version check stands in for them.)
 *
 * A failed transaction (the broker went away) leaves kafkajs unable to begin another: a fresh
 * producer fences it, and if it was the commit that failed, the offsets' marker in the group's
 * committed metadata says whether it happened — so the flush is neither lost nor written twice.
 */
export function transactionalKafkaSink(opts: TransactionalSinkOptions): OperatorFunction<Outcome, Outcome> {
  const { lingerMs = 50, maxBatch = 500, scheduler = asyncScheduler } = opts;
  return (outcomes$) =>
    outcomes$.pipe(
      bufferLinger<Outcome>(lingerMs, maxBatch, scheduler),
      concatMap((batch) => flush(batch, opts)),
      mergeMap((written) => written),
    );
}

async function flush(batch: readonly Outcome[], opts: TransactionalSinkOptions): Promise<Outcome[]> {
  const { producer, source, maxAttempts = 8 } = opts;
  let remaining = [...batch];
  for (let attempt = 1; ; attempt++) {
    await source.ownership.settled();
    const version = source.ownership.version;
    remaining = keepOwned(remaining, opts);
    if (remaining.length === 0) return remaining;
    const deliveries = remaining.map((o) => o.delivery);
    const offsets = markedOffsets(source.tracker, deliveries, producer.marker());
    let committing = false;
    try {
      const tx = await producer.transaction();
      await opts.sender.send(tx, toTopicMessages(remaining, opts.tagsTopic, opts.dlqTopic, opts.headersFor));
      if (offsets.length > 0) {
        await tx.sendOffsets({ consumerGroupId: source.groupId, topics: byTopic(offsets) });
      }
      if (source.ownership.version !== version) {
        await tx.abort();
        log.info(
          { outcomes: remaining.length },
          'ownership changed during a transaction: aborted, trying again',
        );
        continue;
      }
      committing = true;
      await tx.commit();
    } catch (err) {
      if (attempt >= maxAttempts) throw err;
      log.warn({ attempt, committing, err: (err as Error).message }, 'transaction failed; trying again');
      await producer.reset();
      const happened = committing ? await producer.committed(source.groupId, offsets) : false;
      // A commit whose fate cannot be told: stop; a restart fences and restores read_committed.
      if (happened === undefined) throw err;
      if (!happened) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** attempt)));
        continue;
      }
    }
    source.tracker.confirm(offsets);
    for (const d of deliveries) source.finished(d);
    return remaining;
  }
}

/** The outcomes this member still owns; the others are dropped (and reported). */
function keepOwned(outcomes: Outcome[], opts: TransactionalSinkOptions): Outcome[] {
  const { source, onDropped } = opts;
  const owned = outcomes.filter((o) => source.owns(o.delivery));
  if (owned.length === outcomes.length) return owned;
  for (const o of outcomes) {
    if (owned.includes(o)) continue;
    // Forgotten before released: the release may start the restore of a partition that came back.
    onDropped?.(o);
    source.dropped(o.delivery);
  }
  log.info({ dropped: outcomes.length - owned.length }, 'outcomes of lost partitions dropped');
  return owned;
}

/**
 * The offsets a transaction commits, each carrying its marker. When the prefix moves nowhere, a
 * partition's last confirmed offset is committed again, so the transaction still carries a marker.
 */
function markedOffsets(
  tracker: TransactionalSource['tracker'],
  deliveries: readonly Delivery[],
  marker: string,
): MarkedOffset[] {
  const offsets: PartitionOffset[] = tracker.pendingCommitsWith(deliveries);
  if (offsets.length === 0) {
    for (const d of deliveries) {
      const confirmed = tracker.confirmedOffset(d.topic, d.partition);
      if (confirmed === undefined) continue;
      offsets.push({ topic: d.topic, partition: d.partition, offset: confirmed });
      break;
    }
  }
  return offsets.map((o) => ({ ...o, metadata: marker }));
}

function byTopic(
  offsets: readonly MarkedOffset[],
): { topic: string; partitions: { partition: number; offset: string; metadata: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string; metadata: string }[]>();
  for (const o of offsets) {
    const list = topics.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: o.offset, metadata: o.metadata });
    topics.set(o.topic, list);
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
