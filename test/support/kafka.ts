import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type IHeaders, type Message } from 'kafkajs';
import { inject } from 'vitest';
import { waitForTopicLeaders } from '../../src/kafka/topic-leaders.js';
import {
  brokerPort,
  restartBroker,
  startBroker,
  stopBroker,
  type StartResult,
} from '../../scripts/kafka-broker.mjs';

/** The brokers the integration project's global setup provided. */
export function testBrokers(): string[] {
  const brokers = inject('kafkaBrokers') ?? process.env.TAGSPACE_TEST_BROKERS;
  if (!brokers)
    throw new Error('no test brokers: run integration tests through the vitest integration project');
  return brokers.split(',').map((b) => b.trim());
}

/** A client of the test brokers, or of `brokers` (a private broker of one test). */
export function testKafka(clientId = 'tagspace-test', brokers: string[] = testBrokers()): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

/** A topic name no other test (or earlier run against the same broker) has used. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>, brokers?: string[]): Promise<T> {
  const admin = testKafka('tagspace-test-admin', brokers).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** cleanup.policy=compact, as page-tags has. */
  compact?: boolean;
  /** Further topic configs, e.g. { 'segment.ms': '100' }. */
  config?: Record<string, string>;
}

/**
 * Creates the topics, replicated as the brokers' default says (1 on the single node, 3 on the
 * cluster), and waits until each partition has a leader (by polling metadata: kafkajs's
 * `waitForLeaders` fails on a cluster while the new topic's metadata spreads).
 */
export async function createTopics(specs: TopicSpec[], brokers?: string[]): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.createTopics({
      waitForLeaders: false,
      topics: specs.map(({ topic, partitions = 1, compact = false, config = {} }) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: -1,
        configEntries: Object.entries({ ...(compact ? { 'cleanup.policy': 'compact' } : {}), ...config }).map(
          ([name, value]) => ({ name, value }),
        ),
      })),
    });
    await waitForTopicLeaders(
      admin,
      specs.map(({ topic, partitions = 1 }) => ({ topic, numPartitions: partitions })),
    );
  }, brokers);
}

export async function deleteTopics(topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  await withAdmin((admin) => admin.deleteTopics({ topics }));
}

/**
 * Produces the messages (acks from all replicas) in requests of a few hundred, each under the
 * broker's request limits, and returns once the broker has them all, once each. Idempotent:
 * kafkajs sends a broker's whole request again when any part of it failed, so a plain producer
 * writes again what had been written (a replay on a loaded machine read 13 events of the bad-input
 * corpus twice: one partition of its first request).
 */
export async function produceMessages(topic: string, messages: Message[], brokers?: string[]): Promise<void> {
  const producer = testKafka('tagspace-test-producer', brokers).producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 250) {
      await producer.send({ topic, messages: messages.slice(i, i + 250), acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** null for a tombstone. */
  value: string | null;
  headers: Record<string, string>;
}

export interface ConsumeOptions {
  /** Give up after this long (default 30 s). */
  deadlineMs?: number;
  /** Start from the earliest offset (default) or only see messages produced after joining. */
  fromBeginning?: boolean;
  /** read_committed hides aborted and still-open transactions (default read_uncommitted). */
  isolationLevel?: 'read_committed' | 'read_uncommitted';
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}

/**
 * Reads the topic with a fresh consumer group until `until` holds: a count of messages, or a
 * predicate over everything read so far. Rejects at the deadline with how much it did read.
 */
export async function consumeUntil(
  topic: string,
  until: number | ((messages: ConsumedMessage[]) => boolean),
  options: ConsumeOptions = {},
): Promise<ConsumedMessage[]> {
  const { deadlineMs = 30_000, fromBeginning = true, isolationLevel = 'read_uncommitted' } = options;
  const done = typeof until === 'number' ? (m: ConsumedMessage[]) => m.length >= until : until;
  const consumer = testKafka('tagspace-test-consumer').consumer({
    groupId: uniqueTopic('tagspace-test-group'),
    readUncommitted: isolationLevel === 'read_uncommitted',
  });
  const messages: ConsumedMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        const what = typeof until === 'number' ? `${until} messages` : 'the predicate';
        reject(
          new Error(
            `consumeUntil(${topic}): ${what} not met after ${deadlineMs} ms; read ${messages.length}`,
          ),
        );
      }, deadlineMs);
      consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            messages.push({
              topic: t,
              partition,
              offset: message.offset,
              key: message.key === null ? null : message.key.toString(),
              value: message.value === null ? null : message.value.toString(),
              headers: headerStrings(message.headers),
            });
            if (done(messages)) resolve();
          },
        })
        .catch(reject);
    });
    return messages;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

export interface PartitionOffset {
  partition: number;
  offset: number;
}

/** The high watermark (next offset to be written) of each partition. */
export async function endOffsets(topic: string): Promise<PartitionOffset[]> {
  const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  return offsets
    .map(({ partition, high }) => ({ partition, offset: Number(high) }))
    .sort((a, b) => a.partition - b.partition);
}

/** The group's committed offset per partition of the topic; -1 where it has committed nothing. */
export async function committedOffsets(groupId: string, topic: string): Promise<PartitionOffset[]> {
  const result = await withAdmin((admin) => admin.fetchOffsets({ groupId, topics: [topic] }));
  const partitions = result.find((r) => r.topic === topic)?.partitions ?? [];
  return partitions
    .map(({ partition, offset }) => ({ partition, offset: Number(offset) }))
    .sort((a, b) => a.partition - b.partition);
}

/** The port of the local broker tests may stop and restart, or null for an outside cluster. */
export function managedBrokerPort(): number | null {
  return inject('kafkaManagedPort') ?? null;
}

function requireManagedPort(action: string): number {
  const port = managedBrokerPort();
  if (port === null) {
    throw new Error(
      `cannot ${action} the broker: KAFKA_BROKERS names a cluster this machine's cache does not run`,
    );
  }
  return port;
}

const quiet = () => undefined;

/** Stops the local test broker (its data is kept). */
export async function stopTestBroker(): Promise<void> {
  await stopBroker({ port: requireManagedPort('stop'), log: quiet });
}

/** Starts the local test broker again on its kept data and waits until it answers. */
export async function startTestBroker(): Promise<StartResult> {
  return startBroker({ port: requireManagedPort('start'), log: quiet });
}

/** Stops and starts the local test broker; topics, messages and committed offsets survive. */
export async function restartTestBroker(): Promise<StartResult> {
  return restartBroker({ port: requireManagedPort('restart'), log: quiet });
}

export interface PrivateBroker {
  port: number;
  brokers: string[];
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

/**
 * A second local broker on its own port and data dir, for tests that stop and restart a broker
 * without disturbing the shared one other test runs on this machine may be using. Starts fresh;
 * `stop` keeps its data for a later `start`. Call `stop` in the test's teardown.
 */
/**
 * The port of the n-th private broker (n = 1, 2, 3): just above KAFKA_PORT's broker and controller
 * (port, port + 1), so that checkouts testing side by side with different KAFKA_PORTs never meet.
 * The third is the secured one (test/kafka/secured-broker.int.test.ts), whose SASL_SSL listener
 * takes the port two above it, where no fourth private broker is.
 */
export function privateBrokerPort(n: 1 | 2 | 3): number {
  return brokerPort() + 2 * n;
}

export async function startPrivateBroker(port: number): Promise<PrivateBroker> {
  const { bootstrap } = await startBroker({ port, fresh: true, log: quiet });
  return {
    port,
    brokers: [bootstrap],
    stop: async () => {
      await stopBroker({ port, log: quiet });
    },
    start: async () => {
      await startBroker({ port, log: quiet });
    },
    restart: async () => {
      await restartBroker({ port, log: quiet });
    },
  };
}
