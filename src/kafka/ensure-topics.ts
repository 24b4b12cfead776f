import type { Kafka } from 'kafkajs';
import { topicPartitionCounts, waitForTopicLeaders } from './topic-leaders.js';
import { uncompactedTopics, type UncompactedTopic } from './compaction-check.js';

const DEFAULT_PARTITIONS = 3;

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  /** The tags topic is compacted: it is the persistent tag state, keyed by pageId. */
  compacted?: boolean;
  /** max.message.bytes of the topic, when it must hold more than the broker's default. */
  maxMessageBytes?: number;
  /** Further topic configs (they win over the ones above). */
  config?: Record<string, string>;
  /** Never created: a replay's input, which only a misspelt name finds missing. */
  mustExist?: boolean;
}

/**
 * What ensureTopics found: the `mustExist` topics that are missing, the topics there are, and the
 * existing topics meant to be compacted that are not (each warned about).
 */
export interface TopicsFound {
  absent: string[];
  existing: string[];
  uncompacted: UncompactedTopic[];
}

/**
 * Creates the topics that do not exist yet, unless one that must exist is missing (then nothing is
 * created); existing ones are left as they are, and those meant to be compacted are checked.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<TopicsFound> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const listed = await admin.listTopics();
    const existing = new Set(listed);
    const absent = specs.filter((s) => s.mustExist && !existing.has(s.topic)).map((s) => s.topic);
    const missing = specs.filter((s) => !s.mustExist && !existing.has(s.topic));
    const uncompacted = await uncompactedTopics(
      admin,
      specs.filter((s) => s.compacted && existing.has(s.topic)).map((s) => s.topic),
    );
    const found = { absent, existing: listed, uncompacted };
    // A topic that must exist and does not stops the caller: create nothing for it either.
    if (absent.length > 0 || missing.length === 0) return found;
    // Not `waitForLeaders`: on a cluster it fails while the new topic's metadata spreads.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions ?? DEFAULT_PARTITIONS,
        replicationFactor: -1,
        configEntries: Object.entries({
          ...(s.compacted && { 'cleanup.policy': 'compact' }),
          ...(s.maxMessageBytes !== undefined && { 'max.message.bytes': String(s.maxMessageBytes) }),
          ...s.config,
        }).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitForTopicLeaders(
      admin,
      missing.map((s) => ({ topic: s.topic, numPartitions: s.numPartitions ?? DEFAULT_PARTITIONS })),
    );
    return found;
  } finally {
    await admin.disconnect();
  }
}

/** Low and high watermarks of every partition of a topic, captured now. */
export async function topicOffsets(
  kafka: Kafka,
  topic: string,
): Promise<{ partition: number; low: string; high: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * How many partitions each topic has now; a topic just created that the broker asked does not
 * know yet is waited for (topic-leaders.ts), up to 30 s.
 */
export async function partitionCounts(kafka: Kafka, topics: readonly string[]): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await topicPartitionCounts(admin, topics);
  } finally {
    await admin.disconnect();
  }
}
