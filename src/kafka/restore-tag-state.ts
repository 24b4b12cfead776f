import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { LOG_TAGS, logger } from '../telemetry/log.js';
import { parseTagRecord, type TagRecord } from '../model/tag-record.js';
import { topicOffsets } from './ensure-topics.js';
import { partitionOfKey } from './key-partition.js';
import { readTopicToEnd } from './read-topic-to-end.js';
import { tombstoneVersion } from './tombstone-version.js';

const log = logger('kafka-source');

export interface TagStateSink {
  restore(record: TagRecord): void;
  /** With the removal's version when the tombstone carries it (tombstone-version.ts). */
  remove(pageId: string, version?: number): void;
}

/**
 * Rebuilds the dedupe state from the compacted tags topic: the topic is the persistent tier, the
 * cache its bounded in-memory copy. Tombstones (null values) remove their page, keeping the
 * removal's version when the tombstone carries it. With `accept`,
 * only pages it accepts are restored (those of partitions just assigned: the pages of partitions
 * being worked on are left alone). Reads are read_committed: a transaction still open holds the
 * read back until it commits or aborts, so what it wrote is seen whole or not at all.
 */
export async function restoreTagState(
  kafka: Kafka,
  tagsTopic: string,
  state: TagStateSink,
  accept: (pageId: string) => boolean = () => true,
  signal?: AbortSignal,
): Promise<number> {
  const started = Date.now();
  let records = 0;
  let tombstones = 0;
  const read = await readTopicToEnd(
    kafka,
    tagsTopic,
    (message) => {
      if (message.key !== null && !accept(message.key.toString('utf8'))) return;
      if (message.value === null) {
        if (message.key !== null) {
          state.remove(message.key.toString('utf8'), tombstoneVersion(message.headers));
          tombstones++;
        }
        return;
      }
      const record = parseTagRecord(message.value);
      if (record !== undefined && accept(record.pageId)) {
        state.restore(record);
        records++;
      }
    },
    signal === undefined ? {} : { signal },
  );
  logger(LOG_TAGS.cache).info(
    { topic: tagsTopic, messages: read, records, tombstones, durationMs: Date.now() - started },
    'tag state restored',
  );
  return records;
}

/**
 * The source's `onAssigned` hook: restores the pages of the partitions just assigned (events are
 * keyed by pageId, so a page's partition is partitionOfKey(pageId)). The pages of partitions
 * already held are left as they are: the pipeline is working on them.
 *
 * An assignment often follows a broker failure, while leaders are still moving: a read that fails
 * then (a stale leader answers NOT_LEADER, a broker refuses connections) is tried again, backing
 * off, `tries` times in all (about a minute), before the failure reaches the run.
 */
export function tagStateRestorer(
  kafka: Kafka,
  topic: string,
  tagsTopic: string,
  state: TagStateSink,
  { tries = 8 }: { tries?: number } = {},
): (partitions: number[], signal?: AbortSignal) => Promise<void> {
  const restore = async (partitions: number[], signal?: AbortSignal) => {
    const count = (await topicOffsets(kafka, topic)).length;
    const wanted = new Set(partitions);
    const accept = (pageId: string) => wanted.has(partitionOfKey(pageId, count));
    await restoreTagState(kafka, tagsTopic, state, accept, signal);
  };
  return async (partitions, signal) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await restore(partitions, signal);
      } catch (err) {
        if (attempt >= tries || signal?.aborted === true) throw err;
        const delayMs = Math.min(10_000, 500 * 2 ** (attempt - 1));
        log.warn(
          { partitions, attempt, delayMs, err: (err as Error).message },
          'tag state restore failed; trying again',
        );
        await sleep(delayMs, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
      }
    }
  };
}
