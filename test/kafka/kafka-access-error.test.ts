import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaAccessError } from '../../src/kafka/kafka-access-error.js';

// kafkajs's types give this class no constructor arguments; its code takes a message, as every
// KafkaJSError does, and that is how kafkajs throws it.
const SaslAuthenticationError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

describe('a refusal by the cluster', () => {
  it('reads a refused SASL login, even wrapped in retries exceeded, as the login settings to fix', () => {
    const refused = new SaslAuthenticationError(
      'SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials',
    );
    const wrapped = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 0, retryTime: 300 });
    for (const err of [refused, wrapped]) {
      const e = kafkaAccessError(err);
      expect(e?.kind).toBe('auth');
      expect(e?.retriable).toBe(false);
      expect(e?.message).toBe(
        'Kafka refused the login (KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD): SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials',
      );
    }
  });

  it('leaves every other error to the caller', () => {
    expect(kafkaAccessError(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))).toBeUndefined();
    expect(kafkaAccessError(new Error('boom'))).toBeUndefined();
    expect(kafkaAccessError('not an error')).toBeUndefined();
  });
});
