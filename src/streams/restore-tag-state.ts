import type { Kafka } from 'kafkajs';
import { LOG_TAGS, logger } from '../log.js';
import { parseTagRecord, type TagRecord } from '../tag-record.js';
import { readTopicToEnd } from './read-topic-to-end.js';

export interface TagStateSink {
  restore(record: TagRecord): void;
  remove(pageId: string): void;
}

/**
 * Rebuilds the dedupe state from the compacted tags topic: the topic is the persistent tier, the
 * cache its bounded in-memory copy. Tombstones (null values) remove their page.
 */
export async function restoreTagState(kafka: Kafka, tagsTopic: string, state: TagStateSink): Promise<number> {
  const started = Date.now();
  let records = 0;
  let tombstones = 0;
  const read = await readTopicToEnd(kafka, tagsTopic, (message) => {
    if (message.value === null) {
      if (message.key !== null) {
        state.remove(message.key.toString('utf8'));
        tombstones++;
      }
      return;
    }
    const record = parseTagRecord(message.value);
    if (record !== undefined) {
      state.restore(record);
      records++;
    }
  });
  logger(LOG_TAGS.cache).info(
    { topic: tagsTopic, messages: read, records, tombstones, durationMs: Date.now() - started },
    'tag state restored',
  );
  return records;
}
