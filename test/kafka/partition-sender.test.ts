import { Partitioners, type Message, type ProducerBatch, type RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { PartitionSender } from '../../src/kafka/partition-sender.js';

/** A producer that answers as kafkajs does: one RecordMetadata per partition it wrote. */
function fakeProducer(answer: (batch: ProducerBatch) => RecordMetadata[] = acknowledgeAll) {
  const calls: ProducerBatch[] = [];
  return {
    calls,
    sendBatch: async (batch: ProducerBatch) => {
      calls.push(batch);
      await Promise.resolve();
      return answer(batch);
    },
  };
}

function acknowledgeAll(batch: ProducerBatch): RecordMetadata[] {
  return (batch.topicMessages ?? []).flatMap(({ topic, messages }) =>
    [...new Set(messages.map((m) => m.partition as number))].map((partition) => ({
      topicName: topic,
      partition,
      errorCode: 0,
    })),
  );
}

const keyed = (n: number): Message[] =>
  Array.from({ length: n }, (_, i) => ({ key: `page-${i}`, value: `v${i}` }));

describe('PartitionSender', () => {
  it('sends each partition in its own produce call, acknowledged by all in-sync replicas', async () => {
    const producer = fakeProducer();
    const sender = new PartitionSender(new Map([['tags', 3]]));
    await sender.send(producer, [{ topic: 'tags', messages: keyed(30) }]);

    expect(producer.calls).toHaveLength(3);
    for (const call of producer.calls) {
      expect(call.acks).toBe(-1);
      expect(call.topicMessages).toHaveLength(1);
      const partitions = new Set(call.topicMessages?.[0]?.messages.map((m) => m.partition));
      expect(partitions.size).toBe(1);
    }
    const sent = producer.calls.flatMap((c) => c.topicMessages?.[0]?.messages ?? []);
    expect(sent.map((m) => m.key).sort()).toEqual(
      keyed(30)
        .map((m) => m.key)
        .sort(),
    );
  });

  it("puts a keyed message in the partition kafkajs's default partitioner would", () => {
    const sender = new PartitionSender(new Map([['tags', 6]]));
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2, 3, 4, 5].map((i) => ({
      partitionErrorCode: 0,
      partitionId: i,
      leader: 1,
      replicas: [1],
      isr: [1],
    }));
    for (const message of keyed(50)) {
      expect(sender.partitionOf('tags', message)).toBe(
        partitioner({ topic: 'tags', partitionMetadata, message }),
      );
    }
  });

  it('spreads messages without a key round robin, and keeps a partition given explicitly', () => {
    const sender = new PartitionSender(new Map([['dlq', 3]]));
    const partitions = Array.from({ length: 6 }, () => sender.partitionOf('dlq', { key: null, value: 'x' }));
    expect(partitions).toEqual([0, 1, 2, 0, 1, 2]);
    expect(sender.partitionOf('dlq', { key: 'k', value: 'x', partition: 2 })).toBe(2);
  });

  it("keeps a partition's records in order across requests, sending a chunk only after the one before", async () => {
    const order: string[] = [];
    let inFlight = 0;
    const producer = {
      sendBatch: async (batch: ProducerBatch) => {
        inFlight++;
        expect(inFlight).toBeLessThanOrEqual(2);
        for (const m of batch.topicMessages?.[0]?.messages ?? []) order.push(String(m.key));
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return acknowledgeAll(batch);
      },
    };
    const sender = new PartitionSender(new Map([['tags', 2]]));
    // Two pages per partition, each value big enough to need a request of its own.
    const big = Buffer.alloc(700 * 1024);
    const messages = ['a', 'b', 'c', 'd'].map((key) => ({ key, value: big, partition: key < 'c' ? 0 : 1 }));
    await sender.send(producer, [{ topic: 'tags', messages }]);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('sends the partitions one at a time when asked (inside a transaction)', async () => {
    let inFlight = 0;
    let most = 0;
    const producer = fakeProducer();
    const counting = {
      sendBatch: async (batch: ProducerBatch) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return producer.sendBatch(batch);
      },
    };
    const sender = new PartitionSender(new Map([['tags', 4]]), { oneAtATime: true });
    await sender.send(counting, [{ topic: 'tags', messages: keyed(40) }]);
    expect(producer.calls).toHaveLength(4);
    expect(most).toBe(1);
  });

  it('fails when a send resolves without the acknowledgement of its partition', async () => {
    // What kafkajs's sendBatch across partitions does when a retried partition moved to a broker
    // that had already answered: it resolves, and that partition's records were never written.
    const producer = fakeProducer(() => []);
    const sender = new PartitionSender(new Map([['tags', 1]]));
    const sent = sender.send(producer, [{ topic: 'tags', messages: keyed(3) }]);
    await expect(sent).rejects.toThrow(TagspaceError);
    await expect(sent).rejects.toThrow(/tags\[0\] resolved without its acknowledgement/);
  });

  it('refuses a topic whose partition count it was not given', async () => {
    const sender = new PartitionSender(new Map([['tags', 3]]));
    await expect(sender.send(fakeProducer(), [{ topic: 'other', messages: keyed(1) }])).rejects.toThrow(
      /no partition count for topic other/,
    );
  });
});
