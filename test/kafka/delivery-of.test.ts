import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deliveryOf } from '../../src/kafka/delivery-of.js';

describe('deliveryOf', () => {
  it('keeps key, value and offset, and turns headers into strings, the first of a repeated one', () => {
    const message = {
      offset: '41',
      key: Buffer.from('p1'),
      value: Buffer.from('{}'),
      timestamp: '0',
      attributes: 0,
      headers: { a: Buffer.from('x'), b: [Buffer.from('first'), Buffer.from('second')], c: undefined },
    } as KafkaMessage;
    expect(deliveryOf('events', 2, message, 1234)).toEqual({
      topic: 'events',
      partition: 2,
      offset: '41',
      key: message.key,
      value: message.value,
      headers: { a: 'x', b: 'first' },
      receivedAt: 1234,
    });
  });
});
