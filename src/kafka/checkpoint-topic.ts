import type { Kafka, Producer } from 'kafkajs';
import { TagspaceError } from '../model/errors.js';
import {
  checkpointKey,
  decodeCheckpoint,
  encodeCheckpoint,
  type SpaceCheckpoint,
} from '../confluence/follow-checkpoint.js';
import { DLQ_MAX_MESSAGE_BYTES } from './dead-letter.js';
import { createProducer } from './create-producer.js';
import { ensureTopics, partitionCounts } from './ensure-topics.js';
import { PartitionSender } from './partition-sender.js';
import { readTopicToEnd } from './read-topic-to-end.js';

/**
 * The follower's checkpoints on a compacted topic, one record per (site, space, events topic)
 * (follow-checkpoint.ts): read once at start (the last record of each key wins), written after
 * the events it covers are acknowledged. A checkpoint holds every known page's version, so the
 * topic takes messages as large as the dead-letter topic does.
 */
export class CheckpointTopic {
  private readonly producer: Producer;
  private stored: Map<string, string> | undefined;
  private sender: PartitionSender | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly scope: { wikiRoot: string; eventsTopic: string },
  ) {
    this.producer = createProducer(kafka);
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [
      { topic: this.topic, numPartitions: 1, compacted: true, maxMessageBytes: DLQ_MAX_MESSAGE_BYTES },
    ]);
    this.sender = new PartitionSender(await partitionCounts(this.kafka, [this.topic]));
    await this.producer.connect();
  }

  async load(spaceKey: string): Promise<SpaceCheckpoint | undefined> {
    if (this.stored === undefined) {
      const stored = new Map<string, string>();
      await readTopicToEnd(this.kafka, this.topic, (m) => {
        if (m.key === null) return;
        const key = m.key.toString('utf8');
        if (m.value === null) stored.delete(key);
        else stored.set(key, m.value.toString('utf8'));
      });
      this.stored = stored;
    }
    const text = this.stored.get(this.keyOf(spaceKey));
    return text === undefined ? undefined : decodeCheckpoint(text);
  }

  async save(cp: SpaceCheckpoint): Promise<void> {
    const key = this.keyOf(cp.spaceKey);
    const value = encodeCheckpoint(cp);
    if (this.sender === undefined) throw new TagspaceError('internal', 'CheckpointTopic.save before start');
    // Acknowledged by every in-sync replica, or it fails (partition-sender.ts).
    await this.sender.send(this.producer, [{ topic: this.topic, messages: [{ key, value }] }]);
    this.stored?.set(key, value);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }

  private keyOf(spaceKey: string): string {
    return checkpointKey(this.scope.wikiRoot, spaceKey, this.scope.eventsTopic);
  }
}
