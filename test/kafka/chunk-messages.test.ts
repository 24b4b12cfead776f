import { describe, expect, it } from 'vitest';
import { chunkTopicMessages } from '../../src/kafka/chunk-messages.js';

const msg = (key: string, bytes: number) => ({ key, value: Buffer.alloc(bytes) });

describe('chunkTopicMessages', () => {
  it('keeps a small write in one request', () => {
    const chunks = chunkTopicMessages(
      [
        { topic: 'tags', messages: [msg('a', 10), msg('b', 10)] },
        { topic: 'dlq', messages: [msg('c', 10)] },
      ],
      1000,
    );
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.map((t) => [t.topic, t.messages.length])).toEqual([
      ['tags', 2],
      ['dlq', 1],
    ]);
  });

  it('sends messages bigger than the limit one by one, in order', () => {
    const chunks = chunkTopicMessages(
      [{ topic: 'dlq', messages: [msg('a', 2000), msg('b', 2000), msg('c', 10), msg('d', 10)] }],
      1000,
    );
    expect(chunks.map((c) => c.flatMap((t) => t.messages.map((m) => m.key)))).toEqual([
      ['a'],
      ['b'],
      ['c', 'd'],
    ]);
  });

  it('returns nothing for nothing', () => {
    expect(chunkTopicMessages([])).toEqual([]);
  });
});
