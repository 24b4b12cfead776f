import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  committedOffsets,
  consumeUntil,
  createTopics,
  deleteTopics,
  endOffsets,
  produceMessages,
  startPrivateBroker,
  testKafka,
  uniqueTopic,
  withAdmin,
  type PrivateBroker,
  privateBrokerPort,
} from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

describe('the test broker', () => {
  const topics: string[] = [];
  afterAll(async () => deleteTopics(topics));

  it('creates a compacted topic and round-trips keyed messages, headers and a tombstone', async () => {
    const topic = uniqueTopic('infra-tags');
    topics.push(topic);
    await createTopics([{ topic, partitions: 2, compact: true }]);

    const configs = await withAdmin((admin) =>
      admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] }),
    );
    const policy = configs.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy');
    expect(policy?.configValue).toBe('compact');

    await produceMessages(topic, [
      { key: 'page-1', value: JSON.stringify({ version: 1 }), headers: { traceparent: 'tp-1' } },
      { key: 'page-2', value: JSON.stringify({ version: 1 }) },
      { key: 'page-1', value: null },
    ]);

    const read = await consumeUntil(topic, 3, { deadlineMs: 30_000 });
    const page1 = read.filter((m) => m.key === 'page-1');
    expect(page1.map((m) => m.value)).toEqual([JSON.stringify({ version: 1 }), null]);
    expect(page1[0]?.headers).toEqual({ traceparent: 'tp-1' });
    expect(read.find((m) => m.key === 'page-2')?.value).toBe(JSON.stringify({ version: 1 }));

    const ends = await endOffsets(topic);
    expect(ends.map((e) => e.partition)).toEqual([0, 1]);
    expect(ends.reduce((sum, e) => sum + e.offset, 0)).toBe(3);
  });

  it('reports the offsets a consumer group committed, and -1 before it commits', async () => {
    const topic = uniqueTopic('infra-events');
    topics.push(topic);
    const groupId = uniqueTopic('infra-group');
    await createTopics([{ topic, partitions: 1 }]);
    await produceMessages(
      topic,
      ['a', 'b', 'c', 'd'].map((v) => ({ key: v, value: v })),
    );
    expect(await committedOffsets(groupId, topic)).toEqual([{ partition: 0, offset: -1 }]);

    const consumer = testKafka('infra-committer').consumer({ groupId });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen: string[] = [];
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message, partition }) => {
          seen.push(String(message.value));
          // Commit past the second message only: the helper must report exactly that.
          if (seen.length === 2) {
            await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
          }
        },
      });
      await waitFor(() => seen.length === 4, { timeoutMs: 30_000, message: 'four messages consumed' });
    } finally {
      await consumer.disconnect();
    }
    expect(await committedOffsets(groupId, topic)).toEqual([{ partition: 0, offset: 2 }]);
    expect(await endOffsets(topic)).toEqual([{ partition: 0, offset: 4 }]);
  });

  it('keeps topics and messages when a broker is stopped and started again', async () => {
    let broker: PrivateBroker | undefined;
    try {
      broker = await startPrivateBroker(privateBrokerPort(1));
      const kafka = new Kafka({
        clientId: 'infra-restart',
        brokers: broker.brokers,
        logLevel: logLevel.NOTHING,
      });
      const topic = uniqueTopic('infra-restart');
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'before restart' }] });
      await producer.disconnect();

      await broker.restart();

      const after = kafka.admin();
      await after.connect();
      try {
        expect(await after.listTopics()).toContain(topic);
        const offsets = await after.fetchTopicOffsets(topic);
        expect(offsets).toEqual([expect.objectContaining({ partition: 0, low: '0', high: '1' })]);
      } finally {
        await after.disconnect();
      }
    } finally {
      await broker?.stop();
    }
  });
});
