import type { Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { TagspaceError } from '../model/errors.js';
import { chunkTopicMessages } from './chunk-messages.js';
import { partitionOfKey } from './key-partition.js';

/** What the sender needs of a producer or a transaction. */
export type SendTarget = Pick<Producer, 'sendBatch'>;

/**
 * Writes messages with one produce call per partition, and resolves once every partition's leader
 * acknowledged its records with all in-sync replicas (acks = −1):
 *
 *   partition(m) = murmur2(key(m)) mod n(topic)    (kafkajs's default partitioner; round robin without a key)
 *   send(M) resolves ⇔ ∀ p ∈ partitions(M): the answer for p names p, with error code 0
 *
 * Not one sendBatch for every partition: kafkajs 2.2.4 (producer/sendMessages.js) keeps each
 * broker's answer across the retries of one call, and sends the retry only to brokers that have not
 * answered. When a leader dies and its partitions move to a broker that already answered, the retry
 * skips them, and the call resolves with their records never written (while the other brokers' still
 * pending requests are sent a second time). A call that holds one partition talks to one broker per
 * attempt, so its retry always goes to the partition's current leader.
 *
 * Requests stay under the broker's size limits (chunk-messages.ts); chunks go one after the other,
 * so a partition's records keep their order. The partitions of one chunk go side by side, or one at
 * a time (`oneAtATime`) inside a transaction: each first write to a partition adds it to the
 * transaction, and the coordinator answers a second such request while one is under way with
 * CONCURRENT_TRANSACTIONS, which kafkajs retries after a back-off.
 */
export class PartitionSender {
  private readonly roundRobin = new Map<string, number>();

  /** `partitions`: how many partitions each topic written to has. */
  constructor(
    private readonly partitions: ReadonlyMap<string, number>,
    private readonly opts: { oneAtATime?: boolean } = {},
  ) {}

  async send(target: SendTarget, topicMessages: readonly TopicMessages[]): Promise<void> {
    for (const chunk of chunkTopicMessages(topicMessages)) {
      const calls = this.byPartition(chunk);
      if (this.opts.oneAtATime === true) for (const one of calls) await sendOne(target, one);
      else await Promise.all(calls.map((one) => sendOne(target, one)));
    }
  }

  /** The partition a message goes to: as kafkajs's default partitioner would choose it. */
  partitionOf(topic: string, message: Message): number {
    const count = this.partitions.get(topic);
    if (count === undefined || count < 1) {
      throw new TagspaceError('internal', `no partition count for topic ${topic}`);
    }
    if (message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) return partitionOfKey(message.key, count);
    const next = ((this.roundRobin.get(topic) ?? -1) + 1) % count;
    this.roundRobin.set(topic, next);
    return next;
  }

  private byPartition(chunk: readonly TopicMessages[]): OnePartition[] {
    const out = new Map<string, OnePartition>();
    for (const { topic, messages } of chunk) {
      for (const message of messages) {
        const partition = this.partitionOf(topic, message);
        const key = `${topic}\u0000${partition}`;
        const one = out.get(key) ?? { topic, partition, messages: [] };
        one.messages.push({ ...message, partition });
        out.set(key, one);
      }
    }
    return [...out.values()];
  }
}

interface OnePartition {
  topic: string;
  partition: number;
  messages: Message[];
}

async function sendOne(target: SendTarget, one: OnePartition): Promise<void> {
  const answers: RecordMetadata[] = await target.sendBatch({
    acks: -1,
    topicMessages: [{ topic: one.topic, messages: one.messages }],
  });
  const acknowledged = answers.some(
    (a) => a.topicName === one.topic && a.partition === one.partition && a.errorCode === 0,
  );
  if (!acknowledged) {
    // The send resolved without the partition's answer: its records may not be on the topic, and
    // the events behind them must not be committed. A failed write the run can retry.
    throw new TagspaceError(
      'unavailable',
      `the write of ${one.messages.length} record(s) to ${one.topic}[${one.partition}] resolved without its acknowledgement`,
    );
  }
}
