import type { Message, TopicMessages } from 'kafkajs';

/** Bytes of keys and values per produce request, unless a single message is bigger on its own. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Splits the messages of one write into produce requests of at most `maxBytes` (counting keys,
 * values and headers), in order:
 *
 *   chunks = greedy partition of m₁ … mₙ such that Σ size(chunk) ≤ maxBytes, or |chunk| = 1
 *
 * kafkajs puts all messages for one partition in one record batch, and a batch larger than the
 * topic's max.message.bytes is refused whole: two 10 MB dead letters must go one by one.
 * Order within a topic is kept, so versions of a page still reach the tags topic in order.
 */
export function chunkTopicMessages(
  topicMessages: readonly TopicMessages[],
  maxBytes = MAX_REQUEST_BYTES,
): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let current = new Map<string, Message[]>();
  let size = 0;
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (size > 0 && size + bytes > maxBytes) {
        chunks.push(toTopicMessages(current));
        current = new Map();
        size = 0;
      }
      const list = current.get(topic) ?? [];
      list.push(message);
      current.set(topic, list);
      size += bytes;
    }
  }
  if (size > 0 || current.size > 0) chunks.push(toTopicMessages(current));
  return chunks;
}

function toTopicMessages(byTopic: Map<string, Message[]>): TopicMessages[] {
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function messageBytes(m: Message): number {
  let n = length(m.key) + length(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {}))
    n += k.length + (typeof v === 'string' ? v.length : 0);
  return n;
}

function length(x: Buffer | string | null | undefined): number {
  if (x === null || x === undefined) return 0;
  return typeof x === 'string' ? Buffer.byteLength(x) : x.length;
}
