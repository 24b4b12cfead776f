import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSource } from '../../src/kafka/kafka-source.js';
import { waitFor } from '../support/wait-for.js';
import { running, ScriptedConsumer, TOPIC } from './scripted-consumer.js';

function sourceOn(consumer: ScriptedConsumer, opts: { sessionTimeoutMs: number; exclusive?: boolean }) {
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  return new KafkaSource({
    kafka,
    topic: TOPIC,
    groupId: 'g',
    fromBeginning: true,
    maxInFlight: 10,
    ...opts,
  });
}

describe('KafkaSource readiness (/readyz consumer_joined)', () => {
  it('is ready once a join gives it partitions, not after a crash, and ready again once the restart has joined', async () => {
    const consumer = new ScriptedConsumer();
    const source = sourceOn(consumer, { sessionTimeoutMs: 30_000 });
    const { sub } = await running(source, consumer);
    expect(source.ready).toBe(false);
    consumer.join([0, 1]);
    expect(source.ready).toBe(true);
    consumer.crash();
    expect(source.ready).toBe(false);
    consumer.join([0, 1], 'member-2');
    expect(source.ready).toBe(true);
    sub.unsubscribe();
    await source.close();
  });

  it('is not ready after a crash of a group that is its own, until it has joined again', async () => {
    const consumer = new ScriptedConsumer();
    const source = sourceOn(consumer, { sessionTimeoutMs: 30_000, exclusive: true });
    const { sub } = await running(source, consumer);
    consumer.join([0]);
    consumer.crash();
    expect(source.ready).toBe(false);
    consumer.join([0], 'member-2');
    expect(source.ready).toBe(true);
    sub.unsubscribe();
    await source.close();
  });

  it('is not ready once no heartbeat has been accepted for a session timeout, and ready again at the next', async () => {
    // The broker gone: kafkajs retries for minutes before it calls it a crash, and heartbeats stop.
    const consumer = new ScriptedConsumer();
    const source = sourceOn(consumer, { sessionTimeoutMs: 300 });
    const { sub } = await running(source, consumer);
    consumer.join([0, 1]);
    consumer.heartbeat(1);
    expect(source.ready).toBe(true);
    await waitFor(() => !source.ready, {
      timeoutMs: 5_000,
      message: 'readiness to drop after the session timeout',
    });
    consumer.heartbeat(1);
    expect(source.ready).toBe(true);
    sub.unsubscribe();
    await source.close();
  });

  it('is not ready when a rebalance leaves it no partition', async () => {
    const consumer = new ScriptedConsumer();
    const source = sourceOn(consumer, { sessionTimeoutMs: 30_000 });
    const { sub } = await running(source, consumer);
    consumer.join([0, 1]);
    consumer.rebalancing();
    consumer.join([]);
    expect(source.ready).toBe(false);
    sub.unsubscribe();
    await source.close();
  });
});
