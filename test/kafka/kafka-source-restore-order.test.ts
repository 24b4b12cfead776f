import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSource } from '../../src/kafka/kafka-source.js';
import type { Delivery } from '../../src/model/work.js';
import { waitFor } from '../support/wait-for.js';
import { batchOf, running, ScriptedConsumer } from './scripted-consumer.js';

describe('KafkaSource when a partition comes back', () => {
  it('restores its tag state only once the orphans of its last assignment are out of the pipeline', async () => {
    const consumer = new ScriptedConsumer();
    const kafka = { consumer: () => consumer } as unknown as Kafka;
    const restores: number[][] = [];
    const source = new KafkaSource({
      kafka,
      topic: 'pages',
      groupId: 'g',
      fromBeginning: true,
      maxInFlight: 10,
      sessionTimeoutMs: 10_000,
      onAssigned: (partitions) => {
        restores.push(partitions);
        return Promise.resolve();
      },
    });
    const { seen, sub, eachBatch } = await running(source, consumer);

    consumer.join([0]);
    await waitFor(() => restores.length === 1, { timeoutMs: 2_000, message: 'the first restore' });
    await eachBatch(batchOf(0, [0, 1]));
    expect(seen).toHaveLength(2);

    // Partition 0 goes to another member and comes back while both its events are still inside.
    consumer.join([]);
    consumer.join([0]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(restores).toHaveLength(1);
    source.dropped(seen[0] as Delivery);
    await new Promise((resolve) => setImmediate(resolve));
    expect(restores).toHaveLength(1);
    source.dropped(seen[1] as Delivery);
    await waitFor(() => restores.length === 2, { timeoutMs: 2_000, message: 'the second restore' });
    expect(restores[1]).toEqual([0]);
    sub.unsubscribe();
    await source.close();
  });
});
