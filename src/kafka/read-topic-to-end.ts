import { randomUUID } from 'node:crypto';
import { deleteGroup } from './delete-group.js';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { topicOffsets } from './ensure-topics.js';

/**
 * Reads a topic from the beginning up to the end offsets captured at the call, handing every
 * message to `onMessage`, then resolves with the count. Used to restore the tag state from the
 * compacted tags topic. A throwaway consumer group reads it; nothing is committed.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  onMessage: (message: KafkaMessage, partition: number) => void,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const ends = new Map<number, bigint>();
  for (const o of await topicOffsets(kafka, topic)) {
    if (BigInt(o.high) > BigInt(o.low)) ends.set(o.partition, BigInt(o.high));
  }
  if (ends.size === 0) return 0;

  const groupId = `tagspace-restore-${randomUUID()}`;
  if (opts.signal?.aborted === true) throw new Error(`reading ${topic} was cancelled`);
  const consumer = kafka.consumer({
    groupId,
    maxBytesPerPartition: 4_194_304,
    maxWaitTimeInMs: 250,
    // A crash fails the read (the caller decides); a restarted consumer would outlive it.
    retry: { retries: 5, restartOnFailure: () => Promise.resolve(false) },
  });
  let count = 0;
  const remaining = new Set(ends.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic} did not reach its end offsets in time`)),
        opts.timeoutMs ?? 120_000,
      );
      timer.unref();
      const { signal } = opts;
      const cancel = () => {
        clearTimeout(timer);
        reject(new Error(`reading ${topic} was cancelled`));
      };
      if (signal?.aborted === true) {
        cancel();
        return;
      }
      signal?.addEventListener('abort', cancel, { once: true });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        clearTimeout(timer);
        reject(payload.error);
      });
      // END_BATCH_PROCESS also fires for batches that hold only transaction markers, which
      // eachBatch never sees: without it a transactional topic's last offset is never reached.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const end = ends.get(payload.partition);
        if (end === undefined || BigInt(payload.lastOffset) + 1n < end) return;
        remaining.delete(payload.partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = ends.get(batch.partition);
            if (end === undefined) return;
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= end) break;
              onMessage(m, batch.partition);
              count++;
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await deleteGroup(kafka, groupId);
  }
  return count;
}
