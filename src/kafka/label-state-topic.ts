import type { Kafka, Message, Producer } from 'kafkajs';
import { decodeOwnership, encodeOwnership, type LabelOwnership } from '../confluence/label-ownership.js';
import { TagspaceError } from '../model/errors.js';
import type { Delivery } from '../model/work.js';
import { logger } from '../telemetry/log.js';
import { DLQ_MAX_MESSAGE_BYTES, deadLetterMessage } from './dead-letter.js';
import { createProducer } from './create-producer.js';
import { ensureTopics, partitionCounts } from './ensure-topics.js';
import { PartitionSender } from './partition-sender.js';
import { readTopicToEnd } from './read-topic-to-end.js';

/**
 * The labels job's Kafka edges besides its consumer: what tagspace owns of each page's labels on
 * a compacted topic keyed by pageId (label-ownership.ts; a tombstone forgets a page), and the
 * dead letters of pages whose labels cannot be written (the TagRecord's own key and bytes, with
 * the reason in the headers as every dead letter has it).
 */
export class LabelStateTopic {
  private readonly producer: Producer;
  private sender: PartitionSender | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly dlqTopic: string,
  ) {
    this.producer = createProducer(kafka);
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [
      { topic: this.topic, compacted: true },
      { topic: this.dlqTopic, maxMessageBytes: DLQ_MAX_MESSAGE_BYTES },
    ]);
    this.sender = new PartitionSender(await partitionCounts(this.kafka, [this.topic, this.dlqTopic]));
    await this.producer.connect();
  }

  /** Reads the topic to its end into `into`, keeping the pages `accept` accepts. */
  async restore(
    into: Map<string, LabelOwnership>,
    accept: (pageId: string) => boolean = () => true,
    signal?: AbortSignal,
  ): Promise<number> {
    const started = Date.now();
    let kept = 0;
    await readTopicToEnd(
      this.kafka,
      this.topic,
      (m) => {
        const pageId = m.key?.toString('utf8');
        if (pageId === undefined || !accept(pageId)) return;
        const o = decodeOwnership(m.value);
        if (o === undefined) into.delete(pageId);
        else into.set(pageId, o);
        kept++;
      },
      signal === undefined ? {} : { signal },
    );
    logger('labels').info(
      { topic: this.topic, records: kept, pages: into.size, durationMs: Date.now() - started },
      'label ownership restored',
    );
    return kept;
  }

  async record(pageId: string, ownership: LabelOwnership | null): Promise<void> {
    const value = ownership === null ? null : encodeOwnership(ownership);
    await this.started().send(this.producer, [{ topic: this.topic, messages: [{ key: pageId, value }] }]);
  }

  async deadLetter(delivery: Delivery, error: TagspaceError): Promise<void> {
    const message: Message = deadLetterMessage({ kind: 'dead_letter', delivery, error, attempts: 1 });
    await this.started().send(this.producer, [{ topic: this.dlqTopic, messages: [message] }]);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Writes are acknowledged by every in-sync replica, or fail (partition-sender.ts). */
  private started(): PartitionSender {
    if (this.sender === undefined)
      throw new TagspaceError('internal', 'LabelStateTopic written before start');
    return this.sender;
  }
}
