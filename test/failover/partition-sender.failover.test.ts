import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { createProducer } from '../../src/kafka/create-producer.js';
import { partitionCounts } from '../../src/kafka/ensure-topics.js';
import { createKafka } from '../../src/kafka/kafka-client.js';
import { PartitionSender } from '../../src/kafka/partition-sender.js';
import { readAll } from '../delivery/support.js';
import {
  healCluster,
  killNode,
  partitionLeaders,
  startNode,
  waitForLeadersOff,
} from '../support/kafka-cluster.js';
import { createTopics, testBrokers, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The sink's writes (partition-sender.ts) through a leader failover, with the run's own idempotent
 * producer: batches that span all six partitions are sent back to back while the leader of partition
 * 0 is SIGKILLed and brought back. Every record whose send resolved is on the topic, once. (One
 * sendBatch across the partitions, as kafkajs offers it, resolves for records it never wrote when a
 * dead leader's partitions move to a broker that had already answered: docs/delivery.md.)
 */
const PARTITIONS = 6;
const PER_PARTITION = 5;

let producer: Producer;
let topic: string;

beforeAll(async () => {
  await healCluster();
  topic = uniqueTopic('sender-failover');
  await createTopics([{ topic, partitions: PARTITIONS }]);
  producer = createProducer(createKafka({ brokers: testBrokers(), clientId: 'sender-failover' }));
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
});

describe('writing one partition per produce call', () => {
  it('loses and repeats no acknowledged record while a leader is killed and restarted', async () => {
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'sender-failover' });
    const sender = new PartitionSender(await partitionCounts(kafka, [topic]));
    const acknowledged: string[] = [];
    let next = 0;
    let stop = false;
    const writing = (async () => {
      while (!stop) {
        const messages = [];
        for (let p = 0; p < PARTITIONS; p++) {
          for (let i = 0; i < PER_PARTITION; i++)
            messages.push({ key: null, value: String(next++), partition: p });
        }
        await sender.send(producer, [{ topic, messages }]);
        acknowledged.push(...messages.map((m) => m.value));
      }
    })();

    await waitFor(() => acknowledged.length >= 300, { timeoutMs: 30_000, message: '300 records written' });
    const victim = (await partitionLeaders(topic)).get(0) as number;
    await killNode(victim);
    try {
      await waitForLeadersOff([topic], victim);
      const afterFailover = acknowledged.length;
      await waitFor(() => acknowledged.length >= afterFailover + 300, {
        timeoutMs: 60_000,
        message: 'writing to go on after the failover',
      });
    } finally {
      await startNode(victim);
    }
    stop = true;
    await writing;

    const values = (await readAll(topic, { isolation: 'read_uncommitted' })).map((r) => String(r.value));
    const onTopic = new Set(values);
    expect(acknowledged.filter((v) => !onTopic.has(v))).toEqual([]);
    expect(values.length).toBe(onTopic.size);
  });
});
