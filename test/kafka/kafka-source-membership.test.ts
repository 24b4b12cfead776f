import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSource } from '../../src/kafka/kafka-source.js';
import type { Delivery } from '../../src/model/work.js';
import { ScriptedConsumer, TOPIC, batchOf } from '../support/scripted-consumer.js';
import { waitFor } from '../support/wait-for.js';

async function started(): Promise<{ consumer: ScriptedConsumer; source: KafkaSource; seen: Delivery[] }> {
  const consumer = new ScriptedConsumer();
  const source = new KafkaSource({
    kafka: { consumer: () => consumer } as unknown as Kafka,
    topic: TOPIC,
    groupId: 'g',
    fromBeginning: true,
    maxInFlight: 100,
    sessionTimeoutMs: 10_000,
  });
  const seen: Delivery[] = [];
  source.deliveries$.subscribe((d) => seen.push(d));
  await waitFor(() => consumer.eachBatch !== undefined, { timeoutMs: 2_000, message: 'the consumer to run' });
  return { consumer, source, seen };
}

describe('KafkaSource and its group membership', () => {
  it('keeps nothing of what it held when it joins again under a new member id, even with the same partitions', async () => {
    const { consumer, source, seen } = await started();
    const eachBatch = consumer.eachBatch as NonNullable<ScriptedConsumer['eachBatch']>;
    consumer.join([0], 'member-1');
    await eachBatch(batchOf(0, [0, 1]));
    const before = seen.splice(0);
    expect(before.every((d) => source.owns(d))).toBe(true);

    // The group dropped the member (a stall past its session timeout); kafkajs rejoins on
    // UNKNOWN_MEMBER_ID with no rebalance event, and the same partition comes back.
    consumer.join([0], 'member-2');
    expect(before.some((d) => source.owns(d))).toBe(false);
    for (const d of before) source.dropped(d);

    // The partition is read again from the committed offset, as a new assignment's.
    await eachBatch(batchOf(0, [0, 1]));
    expect(seen.map((d) => d.offset)).toEqual(['0', '1']);
    expect(seen.every((d) => source.owns(d))).toBe(true);
    await source.close();
  });

  it('carries on with what it holds when it joins again as the same member', async () => {
    const { consumer, source, seen } = await started();
    const eachBatch = consumer.eachBatch as NonNullable<ScriptedConsumer['eachBatch']>;
    consumer.join([0], 'member-1');
    await eachBatch(batchOf(0, [0, 1]));
    consumer.join([0], 'member-1');
    expect(seen.every((d) => source.owns(d))).toBe(true);
    await source.close();
  });
});
