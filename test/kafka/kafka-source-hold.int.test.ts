import type { Consumer, Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaSource } from '../../src/kafka/kafka-source.js';
import type { Delivery } from '../../src/model/work.js';
import { createTopics, produceMessages, testKafka, uniqueTopic, withAdmin } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The hold on a real broker: a newly assigned partition is paused in kafkajs at the join while its
 * tag state is restored, and resumed once the restore is done. Each ordering of the release against
 * kafkajs's fetch loop must end with every event past the committed offset delivered, once, and
 * none before the release.
 */
const PARTITIONS = 3;
const PER_PARTITION = 20;
const sources: KafkaSource[] = [];

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
});

async function topicWithEvents(): Promise<string> {
  const topic = uniqueTopic('hold');
  await createTopics([{ topic, partitions: PARTITIONS }]);
  const messages = Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => ({
    partition: i % PARTITIONS,
    key: `page-${i}`,
    value: JSON.stringify({ i }),
  }));
  await produceMessages(topic, messages);
  return topic;
}

/** A client whose consumer the test can watch: how many fetches its loop has made. */
function watchedKafka(): { kafka: Kafka; fetches: () => number; fetchStarted: (f: () => void) => void } {
  const kafka = testKafka('tagspace-test-hold');
  const consumerOf = kafka.consumer.bind(kafka);
  let fetches = 0;
  const onFetchStart: (() => void)[] = [];
  kafka.consumer = (config) => {
    const consumer: Consumer = consumerOf(config);
    consumer.on(consumer.events.FETCH, () => fetches++);
    consumer.on(consumer.events.FETCH_START, () => onFetchStart.splice(0).forEach((f) => f()));
    return consumer;
  };
  return { kafka, fetches: () => fetches, fetchStarted: (f) => onFetchStart.push(f) };
}

function start(
  kafka: Kafka,
  topic: string,
  groupId: string,
  onAssigned: (partitions: number[]) => Promise<void>,
): Delivery[] {
  const source = new KafkaSource({
    kafka,
    topic,
    groupId,
    fromBeginning: true,
    maxInFlight: 1_000,
    sessionTimeoutMs: 6_000,
    onAssigned,
  });
  sources.push(source);
  const seen: Delivery[] = [];
  source.deliveries$.subscribe({
    next: (d) => {
      seen.push(d);
      source.finished(d);
    },
  });
  return seen;
}

function positions(seen: Delivery[]): string[] {
  return seen.map((d) => `${d.partition}:${d.offset}`).sort();
}

function expected(from: (partition: number) => number): string[] {
  const all: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) for (let o = from(p); o < PER_PARTITION; o++) all.push(`${p}:${o}`);
  return all.sort();
}

describe('KafkaSource holding new partitions for the restore', () => {
  it('delivers every event when the restore is done before the fetch loop starts', async () => {
    const topic = await topicWithEvents();
    const { kafka } = watchedKafka();
    const seen = start(kafka, topic, uniqueTopic('hold-group'), () => Promise.resolve());

    await waitFor(() => seen.length >= PARTITIONS * PER_PARTITION, {
      timeoutMs: 20_000,
      message: 'every event',
    });
    expect(positions(seen)).toEqual(expected(() => 0));
  });

  it('delivers nothing while held and every event once released after the loop fetched idle', async () => {
    const topic = await topicWithEvents();
    const { kafka, fetches } = watchedKafka();
    let release!: () => void;
    const seen = start(kafka, topic, uniqueTopic('hold-group'), () => new Promise((r) => (release = r)));

    // The fetch loop runs with every partition paused: it fetches nothing, again and again.
    await waitFor(() => fetches() >= 4, { timeoutMs: 20_000, message: 'four idle fetches while held' });
    expect(seen).toEqual([]);
    release();
    await waitFor(() => seen.length >= PARTITIONS * PER_PARTITION, {
      timeoutMs: 20_000,
      message: 'every event after the release',
    });
    expect(positions(seen)).toEqual(expected(() => 0));
  });

  it('delivers from the committed offsets when released while a fetch is under way', async () => {
    const topic = await topicWithEvents();
    const groupId = uniqueTopic('hold-group');
    const committed = (p: number) => 5 + 3 * p;
    await withAdmin((admin) =>
      admin.setOffsets({
        groupId,
        topic,
        partitions: Array.from({ length: PARTITIONS }, (_, p) => ({
          partition: p,
          offset: String(committed(p)),
        })),
      }),
    );
    const { kafka, fetches, fetchStarted } = watchedKafka();
    let release!: () => void;
    const seen = start(kafka, topic, groupId, () => new Promise((r) => (release = r)));

    await waitFor(() => fetches() >= 2, { timeoutMs: 20_000, message: 'two idle fetches while held' });
    // Released inside a fetch: it has taken the partitions as paused and sleeps the wait time.
    const seenWhileHeld = await new Promise<number>((resolve) =>
      fetchStarted(() => {
        setTimeout(() => {
          resolve(seen.length);
          release();
        }, 50);
      }),
    );
    expect(seenWhileHeld).toBe(0);
    const past = expected(committed);
    await waitFor(() => seen.length >= past.length, {
      timeoutMs: 20_000,
      message: 'every event past the committed offsets after the release',
    });
    expect(positions(seen)).toEqual(past);
  });
});
