import { EventEmitter } from 'node:events';
import type { EachBatchPayload } from 'kafkajs';
import type { KafkaSource } from '../../src/kafka/kafka-source.js';
import type { Delivery } from '../../src/model/work.js';
import { waitFor } from '../support/wait-for.js';

export const TOPIC = 'pages';
const EVENTS = {
  GROUP_JOIN: 'consumer.group_join',
  REBALANCING: 'consumer.rebalancing',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  HEARTBEAT: 'consumer.heartbeat',
};

/**
 * Just enough of a kafkajs consumer to drive KafkaSource's handlers in the order a broker failover
 * produces them: the test calls eachBatch and emits join and crash itself.
 */
export class ScriptedConsumer extends EventEmitter {
  readonly events = EVENTS;
  eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  connect = () => Promise.resolve();
  subscribe = () => Promise.resolve();
  disconnect = () => Promise.resolve();
  commitOffsets = () => Promise.resolve();
  pause = () => undefined;
  resume = () => undefined;
  seek = () => undefined;
  run = (opts: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
    this.eachBatch = opts.eachBatch;
    return Promise.resolve();
  };
  join(partitions: number[], memberId = 'member-1'): void {
    this.emit(EVENTS.GROUP_JOIN, { payload: { memberId, memberAssignment: { [TOPIC]: partitions } } });
  }
  /** kafkajs lost its fetch to a rebalance and is about to rejoin. */
  rebalancing(): void {
    this.emit(EVENTS.REBALANCING, { payload: { groupId: 'g', memberId: 'member-1' } });
  }
  /** The coordinator accepted a heartbeat of this member in this generation. */
  heartbeat(groupGenerationId: number, memberId = 'member-1'): void {
    this.emit(EVENTS.HEARTBEAT, { payload: { groupId: 'g', memberId, groupGenerationId } });
  }
  crash(): void {
    this.emit(EVENTS.CRASH, {
      payload: { error: new Error('Connection error: ECONNREFUSED'), restart: true },
    });
  }
}

export function batchOf(partition: number, offsets: number[]): EachBatchPayload {
  const messages = offsets.map((o) => ({
    offset: String(o),
    key: Buffer.from(`k${o}`),
    value: Buffer.from('{}'),
    headers: {},
    timestamp: '0',
    attributes: 0,
  }));
  return {
    batch: {
      topic: TOPIC,
      partition,
      highWatermark: String(offsets.length),
      messages,
      lastOffset: () => String(offsets[offsets.length - 1]),
    },
    resolveOffset: () => undefined,
    heartbeat: () => Promise.resolve(),
  } as unknown as EachBatchPayload;
}

/** Subscribes to the source's deliveries and waits for it to run the scripted consumer. */
export async function running(source: KafkaSource, consumer: ScriptedConsumer) {
  const seen: Delivery[] = [];
  const sub = source.deliveries$.subscribe((d) => seen.push(d));
  await waitFor(() => consumer.eachBatch !== undefined, { timeoutMs: 2_000, message: 'the consumer to run' });
  const eachBatch = consumer.eachBatch as NonNullable<ScriptedConsumer['eachBatch']>;
  return { seen, sub, eachBatch };
}
