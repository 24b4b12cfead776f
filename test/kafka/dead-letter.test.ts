import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { DLQ_HEADERS, deadLetterMessage } from '../../src/kafka/dead-letter.js';
import type { Delivery, Outcome } from '../../src/model/work.js';

function deadLetter(
  value: Buffer | null,
  message = 'version must be a positive integer',
): Extract<Outcome, { kind: 'dead_letter' }> {
  const delivery: Delivery = {
    topic: 'page-events',
    partition: 2,
    offset: '41',
    key: Buffer.from('page-1'),
    value,
    headers: { traceparent: '00-abc-def-01' },
    receivedAt: 0,
  };
  return { kind: 'dead_letter', delivery, error: new TagspaceError('invalid_event', message), attempts: 0 };
}

describe('deadLetterMessage', () => {
  it('keeps the original key, bytes and headers, and says why and where from', () => {
    const m = deadLetterMessage(deadLetter(Buffer.from('{"version":-1}')));
    expect(m.key).toEqual(Buffer.from('page-1'));
    expect(m.value).toEqual(Buffer.from('{"version":-1}'));
    expect(m.headers).toMatchObject({
      traceparent: '00-abc-def-01',
      [DLQ_HEADERS.kind]: 'invalid_event',
      [DLQ_HEADERS.message]: 'version must be a positive integer',
      [DLQ_HEADERS.topic]: 'page-events',
      [DLQ_HEADERS.partition]: '2',
      [DLQ_HEADERS.offset]: '41',
      [DLQ_HEADERS.attempts]: '0',
    });
    expect(m.headers?.[DLQ_HEADERS.valueTruncated]).toBeUndefined();
  });

  it('cuts a value larger than the topic allows and records its original size', () => {
    const m = deadLetterMessage(deadLetter(Buffer.alloc(5000, 1)), 1000);
    expect((m.value as Buffer).length).toBe(1000);
    expect(m.headers?.[DLQ_HEADERS.valueTruncated]).toBe('5000');
  });

  it('redacts anything shaped like an API key from the message', () => {
    const m = deadLetterMessage(deadLetter(null, 'rejected key AIzaSyA0123456789abcdefghijklmnopqrstu'));
    expect(String(m.headers?.[DLQ_HEADERS.message])).not.toContain('AIzaSy');
    expect(m.value).toBeNull();
  });
});
