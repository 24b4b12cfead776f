import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { QuotaTopic, type QuotaExchange } from '../../src/kafka/quota-topic.js';

/** A client whose producer answers at once and whose consumer never finishes disconnecting. */
function kafkaWithStuckConsumer(): { kafka: Kafka; sent: unknown[] } {
  const sent: unknown[] = [];
  const kafka = {
    producer: () => ({
      send: (record: unknown) => {
        sent.push(record);
        return Promise.resolve([]);
      },
      disconnect: () => Promise.resolve(),
    }),
    consumer: () => ({
      events: { END_BATCH_PROCESS: 'end', GROUP_JOIN: 'join' },
      on: () => undefined,
      // As a kafkajs consumer leaving a group whose coordinator just moved: seconds, here forever.
      disconnect: () => new Promise<void>(() => undefined),
    }),
    admin: () => {
      throw new Error('not reached while the consumer disconnects');
    },
  } as unknown as Kafka;
  return { kafka, sent };
}

const exchange: QuotaExchange = {
  reports: () => [],
  farewells: () => [{ key: 'k', value: null }],
  heard: () => undefined,
};

describe('QuotaTopic.stop', () => {
  it('says goodbye and returns within its deadline even when the consumer is slow to disconnect', async () => {
    const { kafka, sent } = kafkaWithStuckConsumer();
    const topic = new QuotaTopic({
      kafka,
      topic: 'q',
      instance: 'i',
      exchange,
      tickMs: 1_000,
      readyTimeoutMs: 1_000,
    });
    const outcome = await Promise.race([
      topic.stop(200).then(() => 'returned'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5_000)),
    ]);
    expect(outcome).toBe('returned');
    expect(sent).toEqual([{ topic: 'q', messages: [{ key: 'k', value: null }], acks: 1 }]);
  });
});
