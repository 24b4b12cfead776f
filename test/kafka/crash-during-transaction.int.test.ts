import type { Consumer, ConsumerRunConfig, Kafka, Transaction } from 'kafkajs';
import { map, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaSource } from '../../src/kafka/kafka-source.js';
import { PartitionSender } from '../../src/kafka/partition-sender.js';
import { TransactionalProducer } from '../../src/kafka/transactional-producer.js';
import { transactionalKafkaSink } from '../../src/kafka/transactional-sink.js';
import type { Delivery, Outcome } from '../../src/model/work.js';
import {
  committedOffsets,
  createTopics,
  produceMessages,
  testBrokers,
  testKafka,
  uniqueTopic,
} from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Exactly-once through a consumer crash on a real broker, in the order a failover can bring: the
 * sink's transaction is still open when kafkajs's restart is assigned the partitions again, and
 * only then aborts (its ownership version moved). The restarted member must read every event past
 * the committed offsets again — those of the aborted transaction too — and commit to the end.
 */
const PARTITIONS = 2;
const PER_PART = 10;
const closers: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

/** A client whose consumer's batch handler fails while `failing` is set: kafkajs retries, then crashes and restarts it. */
function crashableKafka() {
  const kafka = testKafka('tagspace-test-crash');
  const consumerOf = kafka.consumer.bind(kafka);
  const state = { failing: false, joins: 0, crashes: 0 };
  kafka.consumer = (config) => {
    const consumer: Consumer = consumerOf({ ...config, retry: { ...config.retry, retries: 2 } });
    consumer.on(consumer.events.GROUP_JOIN, () => state.joins++);
    consumer.on(consumer.events.CRASH, () => {
      state.crashes++;
      state.failing = false;
    });
    const run = consumer.run.bind(consumer);
    consumer.run = (opts?: ConsumerRunConfig) =>
      run({
        ...opts,
        eachBatch: async (payload) => {
          if (state.failing)
            throw Object.assign(new Error('injected: broker unreachable'), { retriable: true });
          await opts?.eachBatch?.(payload);
        },
      });
    return consumer;
  };
  return { kafka: kafka as Kafka, state };
}

/** A transactional producer whose next transaction, once `hold` is called, waits before its sendOffsets. */
function holdableProducer(transactionalId: string) {
  const producer = new TransactionalProducer(
    { brokers: testBrokers(), clientId: 'tagspace-test-crash' },
    transactionalId,
  );
  let gate: Promise<void> | undefined;
  let open!: () => void;
  let held = 0;
  const transaction = producer.transaction.bind(producer);
  producer.transaction = async (): Promise<Transaction> => {
    const tx = await transaction();
    const wait = gate;
    if (wait === undefined) return tx;
    gate = undefined;
    const sendOffsets = tx.sendOffsets.bind(tx);
    return {
      ...tx,
      sendOffsets: async (offsets) => {
        held++;
        await wait;
        return sendOffsets(offsets);
      },
    };
  };
  return {
    producer,
    hold: () => (gate = new Promise((resolve) => (open = resolve))),
    held: () => held,
    release: () => open(),
  };
}

describe('exactly-once through a consumer crash', () => {
  it('reads again the events of a transaction that aborts after the restart was assigned their partitions', async () => {
    const topic = uniqueTopic('crash-tx-events');
    const tags = uniqueTopic('crash-tx-tags');
    const dlq = uniqueTopic('crash-tx-dlq');
    await createTopics([{ topic, partitions: PARTITIONS }, { topic: tags }, { topic: dlq }]);
    const produce = (from: number) =>
      produceMessages(
        topic,
        Array.from({ length: PARTITIONS * PER_PART }, (_, i) => ({
          partition: i % PARTITIONS,
          key: `page-${from + i}`,
          value: '{}',
        })),
      );
    const groupId = uniqueTopic('crash-tx-group');
    const { kafka, state } = crashableKafka();
    const tx = holdableProducer(uniqueTopic('crash-tx-producer'));
    await tx.producer.start();
    closers.push(() => tx.producer.close());
    const source = new KafkaSource({
      kafka,
      topic,
      groupId,
      fromBeginning: true,
      maxInFlight: 1_000,
      sessionTimeoutMs: 6_000,
      onAssigned: () => Promise.resolve(),
    });
    closers.push(() => source.close());
    const seen: Delivery[] = [];
    const written: Outcome[] = [];
    const sub: Subscription = source.deliveries$
      .pipe(
        map((delivery): Outcome => {
          seen.push(delivery);
          return { kind: 'tombstone', delivery, pageId: delivery.key?.toString() ?? '' };
        }),
        transactionalKafkaSink({
          producer: tx.producer,
          sender: new PartitionSender(
            new Map([
              [tags, 1],
              [dlq, 1],
            ]),
            { oneAtATime: true },
          ),
          source,
          tagsTopic: tags,
          dlqTopic: dlq,
        }),
      )
      .subscribe((o) => written.push(o));
    closers.push(() => Promise.resolve(sub.unsubscribe()));
    const committedAt = async (offset: number) =>
      (await committedOffsets(groupId, topic)).every((p) => Number(p.offset) === offset);

    // Everything of the first part written and committed.
    await produce(0);
    await waitFor(() => committedAt(PER_PART), { timeoutMs: 30_000, message: 'the first part committed' });

    // The second part's transaction stays open; the third part makes the consumer crash.
    tx.hold();
    await produce(PARTITIONS * PER_PART);
    await waitFor(() => tx.held() === 1, {
      timeoutMs: 30_000,
      message: 'the second part in an open transaction',
    });
    state.failing = true;
    await produce(2 * PARTITIONS * PER_PART);
    await waitFor(() => state.crashes >= 1 && state.joins >= 2, {
      timeoutMs: 60_000,
      message: 'the consumer to crash and its restart to join again',
    });
    const writtenBefore = written.length;
    tx.release();

    await waitFor(() => committedAt(3 * PER_PART), {
      timeoutMs: 60_000,
      message: `committed offsets at the end (seen ${seen.length}, written ${written.length})`,
    });
    // The aborted transaction's events and the third part were read again and written.
    const after = written.slice(writtenBefore).map((o) => `${o.delivery.partition}:${o.delivery.offset}`);
    for (let p = 0; p < PARTITIONS; p++)
      for (let o = PER_PART; o < 3 * PER_PART; o++) expect(after).toContain(`${p}:${o}`);
  });
});
