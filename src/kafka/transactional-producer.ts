import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Kafka, type Producer, type Transaction } from 'kafkajs';
import { logger } from '../telemetry/log.js';
import { createKafka, type KafkaClientOptions } from './kafka-client.js';

const log = logger('transactional-producer');
/** Tries of a reset or a commit check while brokers are away: about a minute, backing off to 10 s. */
const RECOVERY_TRIES = 10;

/** An offset to commit inside a transaction, with the metadata that marks the transaction. */
export interface MarkedOffset {
  topic: string;
  partition: number;
  offset: string;
  metadata: string;
}

/**
 * The producer of exactly-once mode: transactional, idempotent, its id stable per instance.
 *
 *   start()   connects and initialises the id at once: a predecessor with the same id (a crashed
 *             instance) is fenced and its open transaction aborted — or completed, if its commit
 *             had got through — before anything reads the tags topic read_committed.
 *   reset()   the same for a producer whose transaction failed half-way (kafkajs cannot begin
 *             another one then): a fresh producer fences the old one. During a broker failover the
 *             fresh producer may not find its transaction coordinator at first: it tries again,
 *             backing off, for about a minute.
 *   marker()  a fresh tag for the offsets of one transaction (their commit metadata), so that
 *             after a commit whose answer was lost, `committed()` can tell whether it happened.
 *
 * It has a kafkajs client of its own, never the consumer's: kafkajs's sendOffsets marks the offsets
 * committed in a cache every client of one `Kafka` shares, before the transaction commits, and an
 * abort leaves them there. A consumer of the same client takes a partition's position from that
 * cache when it first fetches it after an assignment — so an old transaction aborted while the
 * restarted consumer held its partitions made it start past the aborted events, which were never
 * read again (docs/delivery.md, "A restart that read past an aborted transaction").
 */
export class TransactionalProducer {
  private producer: Producer;
  private readonly run = randomUUID().slice(0, 8);
  private seq = 0;
  /** Ends recoveries under way when the producer closes: none may open a producer after that. */
  private readonly closing = new AbortController();
  private readonly kafka: Kafka;

  constructor(
    client: KafkaClientOptions,
    readonly transactionalId: string,
  ) {
    this.kafka = createKafka({ ...client, clientId: `${client.clientId ?? 'tagspace'}-transactions` });
    this.producer = this.create();
  }

  async start(): Promise<void> {
    await this.producer.connect();
    const tx = await this.producer.transaction();
    await tx.abort();
  }

  transaction(): Promise<Transaction> {
    return this.producer.transaction();
  }

  async reset(): Promise<void> {
    log.warn({ transactionalId: this.transactionalId }, 'transaction failed: starting a fresh producer');
    await this.retrying('starting a fresh producer', async () => {
      await this.producer.disconnect().catch(() => undefined);
      this.producer = this.create();
      await this.start();
      // Closed while it connected: the close found the old producer, so end this one here.
      if (this.closing.signal.aborted) await this.producer.disconnect();
    });
  }

  marker(): string {
    return `${this.transactionalId}/${this.run}/${++this.seq}`;
  }

  /** Whether the group's committed offsets carry `offsets`' marker: undefined when none is sent. */
  async committed(groupId: string, offsets: readonly MarkedOffset[]): Promise<boolean | undefined> {
    if (offsets.length === 0) return undefined;
    return this.retrying('reading the committed offsets', () => this.markerCommitted(groupId, offsets));
  }

  private async markerCommitted(groupId: string, offsets: readonly MarkedOffset[]): Promise<boolean> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = [...new Set(offsets.map((o) => o.topic))];
      const found = await admin.fetchOffsets({ groupId, topics });
      return offsets.some((o) =>
        found
          .find((t) => t.topic === o.topic)
          ?.partitions.some((p) => p.partition === o.partition && p.metadata === o.metadata),
      );
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.producer.disconnect();
  }

  private async retrying<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        if (this.closing.signal.aborted) throw new Error(`the producer is closed (${what})`);
        return await attempt();
      } catch (err) {
        if (tries >= RECOVERY_TRIES || this.closing.signal.aborted) throw err;
        const delayMs = Math.min(10_000, 250 * 2 ** tries);
        log.warn(
          { what, tries, delayMs, err: (err as Error).message },
          'brokers not answering: trying again',
        );
        await sleep(delayMs, undefined, { signal: this.closing.signal }).catch(() => undefined);
      }
    }
  }

  private create(): Producer {
    return this.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionTimeout: 30_000,
      // A transaction begun right after the last one committed is told CONCURRENT_TRANSACTIONS
      // while the broker writes the last one's markers: retry in milliseconds, not the 300 ms default.
      retry: { initialRetryTime: 30, maxRetryTime: 10_000, retries: 30 },
    });
  }
}
