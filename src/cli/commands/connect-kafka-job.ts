import type { Config } from '../config.js';
import { kafkaConnection } from '../kafka-connection.js';
import { logger } from '../../telemetry/log.js';
import { createProducer } from '../../kafka/create-producer.js';
import { DLQ_MAX_MESSAGE_BYTES } from '../../kafka/dead-letter.js';
import { createKafka } from '../../kafka/kafka-client.js';
import { ensureTopics, partitionCounts, topicOffsets } from '../../kafka/ensure-topics.js';
import { TransactionalProducer } from '../../kafka/transactional-producer.js';
import { missingTopicError } from '../missing-topic.js';
import type { QuotaSharingRun } from '../start-quota-sharing.js';

const log = logger('job');

/** The Kafka clients of a job, connected, and what it learnt of its topics while connecting. */
export interface KafkaJobClients {
  kafka: ReturnType<typeof createKafka>;
  producer: ReturnType<typeof createProducer>;
  /** Exactly-once's producer, which writes instead of `producer` (never connected then). */
  transactional: TransactionalProducer | undefined;
  /** Partition counts of the tags and dead-letter topics, which the sink writes one by one. */
  partitions: Map<string, number>;
  /** `replay`: where each partition's events end, and how many there are in all. */
  stopAt?: Map<number, string>;
  total?: number;
  /** Settles once the quota topic's past is read (docs/quota.md). */
  sharingStarted: Promise<void>;
}

/**
 * The start-up half of a Kafka job that talks to the brokers: its topics made sure of, quota
 * sharing started, the producer connected and, for `replay`, the end offsets taken. `starting`
 * wraps each wait so that a signal ends it at once. If any step fails, whatever was connecting is
 * let go of before the error is thrown.
 */
export async function connectKafkaJob(
  config: Config,
  mode: 'run' | 'replay',
  sharing: QuotaSharingRun,
  starting: <T>(step: Promise<T>) => Promise<T>,
): Promise<KafkaJobClients> {
  const { kafka: k } = config;
  const kafka = createKafka({ ...kafkaConnection(config), clientId: `tagspace-${mode}` });
  const topics = [
    // A replay reads what is there: a missing input is a misspelt name, not a topic to create.
    { topic: k.topic, mustExist: mode === 'replay' },
    { topic: k.tagsTopic, compacted: true },
    // Dead letters keep the original bytes, however large the event was.
    { topic: k.dlqTopic, maxMessageBytes: DLQ_MAX_MESSAGE_BYTES },
  ];
  // Exactly-once: the transactional id is stable per instance, so starting fences a crashed
  // predecessor and ends its open transaction now, not when it times out (the tag-state restore
  // reads read_committed and would wait for it).
  const transactional = k.exactlyOnce
    ? new TransactionalProducer(
        { ...kafkaConnection(config), clientId: `tagspace-${mode}` },
        `tagspace-${mode === 'run' ? k.group : 'replay'}-${k.topic}-${k.instanceId}`,
      )
    : undefined;
  const producer = createProducer(kafka);
  // Undefined until started: a start-up that fails before then has no quota records to take back.
  let sharingStarted: Promise<void> | undefined;
  try {
    const { absent, existing } = await starting(ensureTopics(kafka, topics));
    if (absent[0] !== undefined) throw missingTopicError(absent[0], existing);
    // Read what the instances sharing our keys said while the rest starts up, so that the first
    // call already goes at this instance's share.
    sharingStarted = sharing.start();
    // Outcomes are written one partition per produce call (partition-sender.ts), so the sink needs
    // the partition counts of the topics it writes; taken once, at start. Inside a transaction the
    // calls go one at a time.
    const partitions = await starting(partitionCounts(kafka, [k.tagsTopic, k.dlqTopic]));
    await starting(transactional === undefined ? producer.connect() : transactional.start());
    const clients: KafkaJobClients = { kafka, producer, transactional, partitions, sharingStarted };
    if (mode === 'replay') {
      const offsets = await starting(topicOffsets(kafka, k.topic));
      clients.stopAt = new Map(
        offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, o.high]),
      );
      clients.total = offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0);
      log.info(
        { topic: k.topic, events: clients.total, partitions: offsets.length },
        'replay bounded at end offsets',
      );
    }
    return clients;
  } catch (err) {
    await Promise.allSettled([
      transactional?.close() ?? producer.disconnect(),
      sharingStarted?.then(() => sharing.stop()),
    ]);
    throw err;
  }
}
