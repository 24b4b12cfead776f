import type { Kafka, Message, Producer } from 'kafkajs';
import type { PageEvent } from '../model/page-event.js';
import { sendInChunks } from './kafka-sink.js';
import { ensureTopics } from './ensure-topics.js';

/**
 * A long-lived producer of PageEvents (ingest, the webhook receiver): keyed by pageId, so one
 * page's versions stay in order on one partition; `send` resolves once every replica in sync has
 * them (acks = all, idempotent producer), which is when ingest may move its checkpoint and the
 * webhook receiver may answer 2xx.
 */
export class PageEventWriter {
  private readonly producer: Producer;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [{ topic: this.topic }]);
    await this.producer.connect();
  }

  async send(
    events: readonly PageEvent[],
    headers?: (e: PageEvent) => Record<string, string> | undefined,
  ): Promise<void> {
    if (events.length === 0) return;
    const messages: Message[] = events.map((e) => {
      const h = headers?.(e);
      return { key: e.pageId, value: JSON.stringify(e), ...(h && { headers: h }) };
    });
    await sendInChunks(this.producer, [{ topic: this.topic, messages }]);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
