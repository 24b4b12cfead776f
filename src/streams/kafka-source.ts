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
  /** A rebalance began: the last chance to commit what is written before partitions move. */
  onRebalancing?: () => void;
}

/**
 * The consumer as an Observable of Deliveries, with backpressure and offset bookkeeping.
 *
 * Offsets are committed only for events whose outcome is written: the sink calls `finished`,
 * and `commit` (or a transaction's sendOffsets) hands the tracker's contiguous prefix to Kafka.
 * kafkajs's own auto-commit is off, so a crash re-delivers everything past the last written
 * outcome. After a rebalance kafkajs re-fetches each assigned partition from its committed offset,
 * so the tracker starts afresh and work of partitions this member lost is not written (`owns`).
 */
export class KafkaSource {
  readonly tracker = new OffsetTracker();
  private readonly consumer: Consumer;
  private paused = false;
  private readonly reached = new Set<number>();
  private readonly owned = new Set<number>();
  private complete: (() => void) | undefined;
  private joined = false;
  /** Per partition, as of its last fetch: the next offset to deliver and the high watermark. */
  private readonly positions = new Map<number, { next: bigint; high: bigint }>();

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
      const end = stopAt === undefined ? undefined : BigInt(stopAt.get(batch.partition) ?? '0');
      let delivered: string | undefined;
      for (const message of batch.messages) {
        if (stopped) return;
        if (end !== undefined && BigInt(message.offset) >= end) break;
        this.tracker.received(batch.topic, batch.partition, message.offset);
        subscriber.next(toDelivery(batch.topic, batch.partition, message));
        delivered = message.offset;
      }
      if (delivered !== undefined)
        this.positions.set(batch.partition, {
          next: BigInt(delivered) + 1n,
          high: BigInt(batch.highWatermark),
        });
      this.applyBackpressure();
      await heartbeat();
    };

    const start = async () => {
      const c = this.consumer;
      c.on(c.events.GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment[topic] ?? []));
      c.on(c.events.REBALANCING, () => {
        log.info({ groupId: this.opts.groupId }, 'rebalancing');
        this.opts.onRebalancing?.();
      });
      // END_BATCH_PROCESS also fires for batches of only transaction markers, which eachBatch never sees.
      c.on(c.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = stopAt?.get(payload.partition);
        if (end !== undefined && BigInt(payload.lastOffset) + 1n >= BigInt(end))
          this.markReached(payload.partition);
      });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: this.opts.fromBeginning });
      await c.run({ autoCommit: false, eachBatch: onBatch });
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

  /** Whether this member still owns the partition (work of lost partitions is not written). */
  owns(topic: string, partition: number): boolean {
    return topic === this.opts.topic && this.owned.has(partition);
  }

  /** True once the consumer has joined its group and holds an assignment. */
  get ready(): boolean {
    return this.joined;
  }

  /** Consumer lag, Σ over owned partitions of (high watermark − next offset to deliver), as of their last fetch. */
  get lag(): number | undefined {
    if (this.positions.size === 0) return undefined;
    let behind = 0n;
    for (const p of this.positions.values()) if (p.high > p.next) behind += p.high - p.next;
    return Number(behind);
  }

  get groupId(): string {
    return this.opts.groupId;
  }

  /** Commits every offset whose prefix is written; returns what it committed. */
  async commit(): Promise<PartitionOffset[]> {
    const offsets = this.tracker.takeCommits();
    if (offsets.length > 0) await this.consumer.commitOffsets(offsets);
    return offsets;
  }

  /** Stops fetching and completes the stream, so the pipeline drains what it holds (shutdown, end of a replay). */
  stop(): void {
    this.consumer.pause([{ topic: this.opts.topic }]);
    this.complete?.();
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }

  private onJoin(partitions: number[]): void {
    this.joined = true;
    this.owned.clear();
    this.positions.clear();
    for (const p of partitions) this.owned.add(p);
    this.tracker.reset();
    if (this.paused) this.resume();
    log.info({ topic: this.opts.topic, partitions, groupId: this.opts.groupId }, 'partitions assigned');
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
    if (stopAt !== undefined && [...stopAt.keys()].every((p) => this.reached.has(p))) this.stop();
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
