import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaSource } from '../../src/kafka/kafka-source.js';
import { batchOf, running, ScriptedConsumer, TOPIC } from './scripted-consumer.js';

function sourceOn(consumer: ScriptedConsumer): KafkaSource {
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  return new KafkaSource({
    kafka,
    topic: TOPIC,
    groupId: 'g',
    fromBeginning: true,
    maxInFlight: 10,
    sessionTimeoutMs: 10_000,
  });
}

/** Resolves to whether `p` settled within a few turns of the event loop. */
async function settledSoon(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('KafkaSource when kafkajs goes back to fetching without a join', () => {
  // The order of a CI run's stall: the coordinator's broker restarted, the rejoin was answered
  // "the coordinator is loading", and kafkajs fetched on as the member it was; the transactional
  // sink waited for the rebalance to end until the test's deadline.
  it("ends the rebalance once the coordinator accepts the member's heartbeat in the generation of its assignment", async () => {
    const consumer = new ScriptedConsumer();
    const source = sourceOn(consumer);
    const { seen, sub, eachBatch } = await running(source, consumer);
    consumer.join([0, 1]);
    consumer.heartbeat(5);
    await eachBatch(batchOf(0, [0, 1]));

    consumer.rebalancing();
    const version = source.ownership.version;
    expect(await settledSoon(source.ownership.settled())).toBe(false);
    consumer.heartbeat(5);
    expect(await settledSoon(source.ownership.settled())).toBe(true);

    // Nothing moved: what was handed out is still this member's to write, and fetching goes on.
    expect(source.ownership.partitions.sort()).toEqual([0, 1]);
    expect(source.ownership.version).toBeGreaterThan(version);
    await eachBatch(batchOf(1, [0]));
    expect(seen.map((d) => `${d.partition}:${d.offset}`)).toEqual(['0:0', '0:1', '1:0']);
    expect(seen.every((d) => source.owns(d))).toBe(true);
    sub.unsubscribe();
    await source.close();
  });

  it('keeps waiting for the join when the heartbeat is of another generation', async () => {
    const consumer = new ScriptedConsumer();
    const source = sourceOn(consumer);
    const { sub } = await running(source, consumer);
    consumer.join([0, 1]);
    consumer.heartbeat(5);
    consumer.rebalancing();
    consumer.heartbeat(6);
    expect(await settledSoon(source.ownership.settled())).toBe(false);

    consumer.join([1]);
    expect(await settledSoon(source.ownership.settled())).toBe(true);
    expect(source.ownership.partitions).toEqual([1]);
    sub.unsubscribe();
    await source.close();
  });
});
