import { Observable } from 'rxjs';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { logger } from '../log.js';
import type { Delivery } from '../work.js';
import { OffsetTracker, type PartitionOffset } from './offset-tracker.js';

const log = logger('kafka-source');

export interface KafkaSourceOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  /** Where a group without committed offsets starts. */
  fromBeginning: boolean;
  /** Events in flight before the consumer pauses; it resumes below half of this. */
  maxInFlight: number;
  /**
   * Bounded run: the end offset (exclusive) of each non-empty partition, captured at start. The
   * stream completes once every listed partition has been read up to it (at once if none is).
   */
  stopAt?: ReadonlyMap<number, string>;
}

/**
 * The consumer as an Observable of Deliveries, with backpressure and offset bookkeeping.
 *
 * Offsets are committed only for events whose outcome is written: the sink calls `finished`,
 * and `commit` hands the tracker's contiguous prefix to Kafka. kafkajs's own auto-commit is off,
 * so a crash re-delivers everything past the last written outcome.
 */
export class KafkaSource {
  readonly tracker = new OffsetTracker();
  private readonly consumer: Consumer;
  private paused = false;
  private readonly reached = new Set<number>();
  private complete: (() => void) | undefined;

  constructor(private readonly opts: KafkaSourceOptions) {
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 1_048_576,
    });
  }

  readonly deliveries$: Observable<Delivery> = new Observable<Delivery>((subscriber) => {
    let stopped = false;
    const { topic, stopAt } = this.opts;
    this.complete = () => subscriber.complete();

    const onBatch = async ({ batch, heartbeat }: EachBatchPayload) => {
      const end = stopAt?.get(batch.partition);
      for (const message of batch.messages) {
        if (stopped) return;
        if (end !== undefined && BigInt(message.offset) >= BigInt(end)) break;
        this.tracker.received(batch.topic, batch.partition, message.offset);
        subscriber.next(toDelivery(batch.topic, batch.partition, message));
        if (end !== undefined && BigInt(message.offset) + 1n >= BigInt(end))
          this.markReached(batch.partition);
      }
      this.applyBackpressure();
      await heartbeat();
    };

    const start = async () => {
      await this.consumer.connect();
      await this.consumer.subscribe({ topic, fromBeginning: this.opts.fromBeginning });
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        const owned = payload.memberAssignment[topic] ?? [];
        log.info({ topic, partitions: owned, groupId: this.opts.groupId }, 'partitions assigned');
        const revoked = this.tracker.pendingPartitions().filter((p) => !owned.includes(p.partition));
        if (revoked.length > 0)
          this.tracker.revoke(
            topic,
            revoked.map((p) => p.partition),
          );
      });
      await this.consumer.run({ autoCommit: false, eachBatch: onBatch });
      if (stopAt !== undefined && stopAt.size === 0) subscriber.complete();
    };

    start().catch((err: unknown) => subscriber.error(err));
    return () => {
      stopped = true;
    };
  });

  /** Called by the sink once an event's outcome is written. */
  finished(delivery: Delivery): void {
    this.tracker.finished(delivery.topic, delivery.partition, delivery.offset);
    if (this.paused && this.tracker.inFlight <= this.opts.maxInFlight / 2) this.resume();
  }

  /** Commits every offset whose prefix is written; returns what it committed. */
  async commit(): Promise<PartitionOffset[]> {
    const offsets = this.tracker.takeCommits();
    if (offsets.length > 0) await this.consumer.commitOffsets(offsets);
    return offsets;
  }

  /** Stops fetching; in-flight events may still finish and be committed. */
  pause(): void {
    this.consumer.pause([{ topic: this.opts.topic }]);
  }

  /** Stops fetching and completes the stream, so the pipeline drains what it holds (shutdown, end of a replay). */
  stop(): void {
    this.pause();
    this.complete?.();
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }

  private applyBackpressure(): void {
    if (!this.paused && this.tracker.inFlight >= this.opts.maxInFlight) {
      this.paused = true;
      this.consumer.pause([{ topic: this.opts.topic }]);
      log.debug({ inFlight: this.tracker.inFlight }, 'backpressure: paused');
    }
  }

  private resume(): void {
    this.paused = false;
    this.consumer.resume([{ topic: this.opts.topic }]);
    log.debug({ inFlight: this.tracker.inFlight }, 'backpressure: resumed');
  }

  private markReached(partition: number): void {
    this.reached.add(partition);
    const stopAt = this.opts.stopAt;
    if (stopAt !== undefined && [...stopAt.keys()].every((p) => this.reached.has(p))) {
      this.stop();
    }
  }
}

function toDelivery(topic: string, partition: number, message: KafkaMessage): Delivery {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? String(v[0] ?? '') : String(v);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    receivedAt: Date.now(),
  };
}
