import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSource } from '../../src/kafka/kafka-source.js';
import { waitFor } from '../support/wait-for.js';
import { batchOf, running, ScriptedConsumer, TOPIC } from './scripted-consumer.js';

describe('KafkaSource across a consumer crash', () => {
  it('hands on nothing more of a batch fetched before the crash once the restart is assigned the partition again', async () => {
    const consumer = new ScriptedConsumer();
    const kafka = { consumer: () => consumer } as unknown as Kafka;
    const source = new KafkaSource({
      kafka,
      topic: TOPIC,
      groupId: 'g',
      fromBeginning: true,
      maxInFlight: 3,
      sessionTimeoutMs: 10_000,
    });
    const { seen, sub, eachBatch } = await running(source, consumer);

    consumer.join([0]);
    // Offsets 0, 1 and 2 fill the in-flight bound: the handler waits for room with 3 and 4 unread.
    const stale = eachBatch(batchOf(0, [0, 1, 2, 3, 4]));
    await waitFor(() => seen.length === 3, { timeoutMs: 2_000, message: 'three deliveries' });

    // A broker goes away: the consumer crashes (losing partition 0), restarts, gets it back.
    consumer.crash();
    consumer.join([0]);
    // The pipeline lets go of the orphans of the first assignment: the waiting handler wakes.
    for (const d of seen.splice(0)) source.dropped(d);
    await stale;
    expect(seen.map((d) => d.offset)).toEqual([]);

    // The restarted consumer reads again from the committed offset, and all of it goes through.
    await eachBatch(batchOf(0, [0, 1]));
    expect(seen.map((d) => d.offset)).toEqual(['0', '1']);
    expect(seen.every((d) => source.owns(d))).toBe(true);
    sub.unsubscribe();
    await source.close();
  });
});
