import type { KafkaMessage } from 'kafkajs';
import type { Delivery } from '../model/work.js';

/** A fetched Kafka message as the pipeline's Delivery: headers as strings (the first of a repeated one). */
export function deliveryOf(
  topic: string,
  partition: number,
  message: KafkaMessage,
  now = Date.now(),
): Delivery {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? String(v[0] ?? '') : String(v);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    receivedAt: now,
  };
}
