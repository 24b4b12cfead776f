import type { PageEvent } from '../model/page-event.js';
import { createKafka } from './kafka-client.js';
import type { KafkaSecurity } from './kafka-security.js';
import { createProducer } from './create-producer.js';
import { ensureTopics, partitionCounts } from './ensure-topics.js';
import { PartitionSender } from './partition-sender.js';

/**
 * Produces PageEvents keyed by pageId (so one page's versions stay in order on one partition), one
 * partition per produce call, so a broker failing meanwhile loses none (partition-sender.ts).
 */
export async function producePageEvents(
  target: { brokers: string[]; security?: KafkaSecurity; topic: string },
  events: Iterable<PageEvent>,
  headers?: (event: PageEvent) => Record<string, string> | undefined,
): Promise<number> {
  const kafka = createKafka({ brokers: target.brokers, security: target.security, clientId: 'tagspace-gen' });
  await ensureTopics(kafka, [{ topic: target.topic }]);
  const sender = new PartitionSender(await partitionCounts(kafka, [target.topic]));
  const producer = createProducer(kafka);
  await producer.connect();
  let count = 0;
  try {
    let chunk: { key: string; value: string; headers?: Record<string, string> }[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      await sender.send(producer, [{ topic: target.topic, messages: chunk }]);
      chunk = [];
    };
    for (const event of events) {
      const h = headers?.(event);
      chunk.push({ key: event.pageId, value: JSON.stringify(event), ...(h ? { headers: h } : {}) });
      count++;
      if (chunk.length >= 500) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return count;
}
