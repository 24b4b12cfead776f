import { randomUUID } from 'node:crypto';
import { deleteGroup } from './delete-group.js';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { logger } from '../telemetry/log.js';
import { ensureTopics, topicOffsets, type TopicSpec } from './ensure-topics.js';

const log = logger('quota-topic');

/** What the sharing side (router/sharing/quota-sharing.ts) gives and takes; values are JSON text. */
export interface QuotaExchange {
  /** Records due now (all of them with `all`). */
  reports(all?: boolean): { key: string; value: string | null }[];
  /** A last record and a tombstone per key. */
  farewells(): { key: string; value: string | null }[];
  heard(key: string, value: string | null, catchingUp: boolean): void;
}

export interface QuotaTopicOptions {
  /** A client of its own, with few retries (kafka-client.ts): a stale record is not worth retrying. */
  kafka: Kafka;
  topic: string;
  /** This instance's sharing id (names its throwaway consumer group). */
  instance: string;
  exchange: QuotaExchange;
  /** How often due records are asked for (the soonest one may follow another). */
  tickMs: number;
  /** How long start() waits to have read what the topic held, before going on without it. */
  readyTimeoutMs: number;
}

/**
 * The coordination topic (compacted, one partition): each instance publishes its records on it and
 * reads everyone's, from the beginning and then as they come. The exchange decides what to say;
 * this moves the bytes, and never holds the pipeline up:
 *
 *   start   creates the topic if it is missing, connects, publishes, and starts reading from the
 *           beginning; once its reader has joined its (throwaway) group, notes the topic's end
 *           offsets and resolves when it has read up to them (records before them are read
 *           `catchingUp`) — or after readyTimeoutMs, or on any failure: then the instance starts
 *           alone and joins the others when the topic answers. Not before the join, even on an
 *           empty topic: a broker delays a new group's first join (Kafka's
 *           group.initial.rebalance.delay.ms, 3 s by default), and an instance that called the
 *           provider before its reader joined called blind to peers that started with it
 *   publish every tickMs, what is due; one send at a time, a failed send is logged and dropped
 *           (the next record says it all again)
 *   stop    a last record and a tombstone per key, then disconnects (all within a deadline)
 */
export class QuotaTopic {
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private readonly groupId: string;
  private timer: NodeJS.Timeout | undefined;
  /** The send under way, if any: one at a time, and stop() waits for it. */
  private sending: Promise<void> | undefined;
  private sendFailures = 0;
  private stopped = false;
  /** The end offset of each partition when this instance began reading: records before it are its past. */
  private readonly ends = new Map<number, bigint>();
  /** Partitions not yet read up to their end, and who to tell when none is left. */
  private readonly remaining = new Set<number>();
  private caughtUp: () => void = () => {};
  private running = false;
  /** Whether the reader has joined once (the ends are noted then), and whether they are noted. */
  private joined = false;
  private endsKnown = false;
  /** The offset after the last record read, per partition (a batch may come before the ends are noted). */
  private readonly read = new Map<number, bigint>();

  constructor(private readonly opts: QuotaTopicOptions) {
    this.groupId = `tagspace-quota-${opts.instance}-${randomUUID().slice(0, 8)}`;
    // Few retries: a record that cannot go now is stale by the time a retry would send it. The
    // default partitioner is named so kafkajs does not warn that it changed (one partition anyway).
    this.producer = opts.kafka.producer({
      allowAutoTopicCreation: false,
      retry: { retries: 2 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.consumer = opts.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      // A long poll returns as soon as a record arrives, so this is not how late peers are heard:
      // it is how often an idle reader asks again (100 ms cost an idle instance ~5 ms of CPU a
      // second: bench/README.md, kafka-idle), and how long a fetcher without the partition sleeps
      // (after its leader moves, at most this much late once).
      maxWaitTimeInMs: 500,
      retry: { retries: 5, restartOnFailure: () => Promise.resolve(!this.stopped) },
    });
    // END_BATCH_PROCESS also comes for batches eachBatch never sees (only aborted records, markers).
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      this.reached(payload.partition, payload.lastOffset),
    );
    // A restart kafkajs had begun when stop() disconnected runs on regardless: stop it again.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      if (this.stopped) void this.consumer.disconnect().catch(() => undefined);
      else if (!this.joined) {
        this.joined = true;
        this.noteEnds().catch((err: unknown) => {
          log.warn({ topic: this.opts.topic, err: (err as Error).message }, 'quota topic offsets not read');
          this.caughtUp();
        });
      }
    });
  }

  /** The topic as tagspace creates it: compacted, and what a crashed instance left deleted after an hour. */
  static spec(topic: string): TopicSpec {
    return {
      topic,
      numPartitions: 1,
      compacted: true,
      config: { 'cleanup.policy': 'compact,delete', 'retention.ms': '3600000', 'segment.ms': '600000' },
    };
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        log.warn({ topic: this.opts.topic }, 'quota topic not read in time; starting alone');
        resolve();
      }, this.opts.readyTimeoutMs);
      timer.unref();
      this.attempt(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Begins; on a failure, goes on alone now and tries again a little later (2 s, doubling, 30 s at most). */
  private attempt(ready: () => void, failures = 0): void {
    this.begin(ready).catch((err: unknown) => {
      if (this.stopped) return;
      const retryMs = Math.min(30_000, 2_000 * 2 ** failures);
      const fields = { topic: this.opts.topic, err: (err as Error).message, retryMs };
      log.warn(fields, 'quota topic unavailable; alone until it answers');
      ready();
      setTimeout(() => {
        if (!this.stopped) this.attempt(() => {}, failures + 1);
      }, retryMs).unref();
    });
  }

  async stop(deadlineMs = 3_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    // A send still retrying when the producer disconnects would connect it again, and keep the
    // process alive (kafkajs #1438): let it settle first, then say goodbye.
    const farewell = (this.sending ?? Promise.resolve()).then(() =>
      this.send(this.opts.exchange.farewells()),
    );
    const deadline = new Promise((resolve) => setTimeout(resolve, deadlineMs).unref());
    await Promise.race([farewell, deadline]);
    await Promise.race([this.sending, deadline]);
    // Leaving is housekeeping (the reader's group is this instance's alone and expires by itself),
    // so it gets what is left of the deadline: right after a failover the consumer's disconnect
    // took 3.6–6.3 s, and held the run's exit that long.
    const leave = Promise.allSettled([this.producer.disconnect(), this.consumer.disconnect()]).then(() =>
      this.deleteGroup(),
    );
    await Promise.race([leave, deadline]);
  }

  private async begin(caughtUp: () => void): Promise<void> {
    const { topic } = this.opts;
    // Created here, not with the run's topics: a topic this instance may not create (rights, a
    // policy) leaves it alone on its keys; it does not stop the run.
    await ensureTopics(this.opts.kafka, [QuotaTopic.spec(topic)]);
    if (!this.running) this.caughtUp = caughtUp;
    await this.producer.connect();
    this.timer ??= setInterval(() => {
      if (this.sending === undefined) void this.send(this.opts.exchange.reports());
    }, this.opts.tickMs);
    await this.send(this.opts.exchange.reports(true));
    if (this.running) return;
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        // Before the ends are noted, everything read is the topic's past.
        const end = this.ends.get(batch.partition) ?? 0n;
        for (const m of batch.messages) {
          const key = m.key?.toString();
          if (key === undefined) continue;
          const past = !this.endsKnown || BigInt(m.offset) < end;
          this.opts.exchange.heard(key, m.value === null ? null : m.value.toString(), past);
        }
      },
    });
    this.running = true;
  }

  /**
   * The topic's ends when the reader has joined: what it reads up to them is its past, and start()
   * resolves once it has (at once when the topic is empty).
   */
  private async noteEnds(): Promise<void> {
    const offsets = await topicOffsets(this.opts.kafka, this.opts.topic);
    this.ends.clear();
    this.remaining.clear();
    for (const o of offsets) {
      const end = BigInt(o.high);
      if (end <= BigInt(o.low) || (this.read.get(o.partition) ?? 0n) >= end) continue;
      this.ends.set(o.partition, end);
      this.remaining.add(o.partition);
    }
    this.endsKnown = true;
    if (this.remaining.size === 0) this.caughtUp();
  }

  private reached(partition: number, offset: string): void {
    const next = BigInt(offset) + 1n;
    if (next > (this.read.get(partition) ?? 0n)) this.read.set(partition, next);
    const end = this.ends.get(partition);
    if (end === undefined || BigInt(offset) + 1n < end || !this.remaining.delete(partition)) return;
    if (this.remaining.size === 0) this.caughtUp();
  }

  /** Sends, one at a time; a failure is logged once per outage and dropped (the next record says it all). */
  private send(messages: { key: string; value: string | null }[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const { topic } = this.opts;
    const sending: Promise<void> = this.producer.send({ topic, messages, acks: 1 }).then(
      () => {
        if (this.sendFailures > 0)
          log.info({ topic, failures: this.sendFailures }, 'quota records sent again');
        this.sendFailures = 0;
      },
      (err: unknown) => {
        if (this.sendFailures++ === 0)
          log.warn({ topic, err: (err as Error).message }, 'quota records not sent');
      },
    );
    const tracked = sending.finally(() => {
      if (this.sending === tracked) this.sending = undefined;
    });
    this.sending = tracked;
    return tracked;
  }

  private deleteGroup(): Promise<void> {
    return deleteGroup(this.opts.kafka, this.groupId);
  }
}
