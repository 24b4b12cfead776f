import type { Kafka, Message, Producer } from 'kafkajs';
import type { PageEvent } from '../model/page-event.js';
import { TagspaceError } from '../model/errors.js';
import { createProducer } from './create-producer.js';
import { ensureTopics, partitionCounts } from './ensure-topics.js';
import { PartitionSender } from './partition-sender.js';
import { PendingWrites } from './pending-writes.js';
import { logger } from '../telemetry/log.js';

const log = logger('page-event-writer');

/** A write waiting this long for Kafka is said, and readiness drops (pending-writes.ts). */
export const WRITE_STALL_MS = 10_000;

/**
 * A long-lived producer of PageEvents (ingest, the webhook receiver): keyed by pageId, so one
 * page's versions stay in order on one partition; `send` resolves once every replica in sync has
 * them (acks = all, idempotent producer, one partition per produce call: partition-sender.ts),
 * which is when ingest may move its checkpoint and the webhook receiver may answer 2xx.
 */
export class PageEventWriter {
  private readonly producer: Producer;
  private sender: PartitionSender | undefined;
  private readonly pending: PendingWrites;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {
    this.producer = createProducer(kafka);
    this.pending = new PendingWrites({
      stallMs: WRITE_STALL_MS,
      stalled: (waitedMs) => log.warn({ topic, waitedMs }, 'events not yet written to Kafka; still trying'),
      resumed: (waitedMs) => log.info({ topic, waitedMs }, 'events written to Kafka again'),
    });
  }

  /** False while a write has waited WRITE_STALL_MS for Kafka (the brokers gone): /readyz. */
  get writing(): boolean {
    return !this.pending.stalled;
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [{ topic: this.topic }]);
    this.sender = new PartitionSender(await partitionCounts(this.kafka, [this.topic]));
    await this.producer.connect();
  }

  async send(
    events: readonly PageEvent[],
    headers?: (e: PageEvent) => Record<string, string> | undefined,
  ): Promise<void> {
    if (events.length === 0) return;
    if (this.sender === undefined) throw new TagspaceError('internal', 'PageEventWriter.send before start');
    const messages: Message[] = events.map((e) => {
      const h = headers?.(e);
      return { key: e.pageId, value: JSON.stringify(e), ...(h && { headers: h }) };
    });
    await this.pending.track(this.sender.send(this.producer, [{ topic: this.topic, messages }]));
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
