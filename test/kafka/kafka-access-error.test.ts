import * as kafkajs from 'kafkajs';
import {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaAccessError } from '../../src/kafka/kafka-access-error.js';

// kafkajs's types give this class no constructor arguments; its code takes a message, as every
// KafkaJSError does, and that is how kafkajs throws it.
const SaslAuthenticationError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
const CoordinatorNotFound = KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error;
// Exported by kafkajs, not typed: what admin.createTopics collects per topic.
const CreateTopicError = (kafkajs as unknown as Record<string, new (e: object, topic: string) => Error>)
  .KafkaJSCreateTopicError as new (e: object, topic: string) => Error;

/** Kafka's error for `type`, as kafkajs's protocol layer builds it from the response code. */
function protocolError(type: string, message: string) {
  return { type, message, code: 29, retriable: false };
}

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

  it('reads a refused access token as the OAuth client and its token to fix, not a password', () => {
    const refused = new SaslAuthenticationError(
      'SASL OAUTHBEARER authentication failed: {"status":"invalid_token"}',
    );
    expect(kafkaAccessError(refused)?.message).toBe(
      'Kafka refused the login (the token of KAFKA_SASL_OAUTHBEARER_CLIENT_ID: its scope and audience): SASL OAUTHBEARER authentication failed: {"status":"invalid_token"}',
    );
  });

  it('names the topic a user may not create, from among the topic creation errors kafkajs gathers', () => {
    const refused = new CreateTopicError(
      protocolError(
        'TOPIC_AUTHORIZATION_FAILED',
        'Not authorized to access topics: [Topic authorization failed]',
      ),
      'page-tags',
    );
    const e = kafkaAccessError(new KafkaJSAggregateError('Topic creation errors', [refused]));
    expect(e?.kind).toBe('auth');
    expect(e?.message).toBe(
      'Kafka refused access to topic page-tags (TOPIC_AUTHORIZATION_FAILED): grant the user of KAFKA_SASL_USERNAME the ACLs in docs/kafka.md',
    );
  });

  it('says which kind of resource was refused when the error names none', () => {
    const e = kafkaAccessError(
      new KafkaJSProtocolError(
        protocolError(
          'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
          'Transactional Id authorization failed',
        ) as unknown as Error,
      ),
    );
    expect(e?.message).toBe(
      'Kafka refused access to a transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED): grant the user of KAFKA_SASL_USERNAME the ACLs in docs/kafka.md',
    );
  });

  it('points a coordinator not found at the group and transactional-id ACLs, since kafkajs drops the refusal', () => {
    const e = kafkaAccessError(new CoordinatorNotFound('Failed to find group coordinator'));
    expect(e?.kind).toBe('unavailable');
    expect(e?.message).toBe(
      'Kafka named no coordinator for a consumer group or transaction: on a cluster with ACLs, grant the user of KAFKA_SASL_USERNAME the group and transactional-id ACLs in docs/kafka.md',
    );
  });

  it('points an MSK IAM login at the AWS credentials and their IAM policy, not a user’s password or ACLs', () => {
    const refused = new SaslAuthenticationError(
      'SASL OAUTHBEARER authentication failed: {"status":"invalid_token"}',
    );
    expect(kafkaAccessError(refused, 'aws-msk-iam')?.message).toBe(
      'Kafka refused the login (the AWS credentials: their IAM identity needs kafka-cluster:Connect on the cluster): SASL OAUTHBEARER authentication failed: {"status":"invalid_token"}',
    );
    const topic = new CreateTopicError(
      protocolError(
        'TOPIC_AUTHORIZATION_FAILED',
        'Not authorized to access topics: [Topic authorization failed]',
      ),
      'page-tags',
    );
    expect(
      kafkaAccessError(new KafkaJSAggregateError('Topic creation errors', [topic]), 'aws-msk-iam')?.message,
    ).toBe(
      'Kafka refused access to topic page-tags (TOPIC_AUTHORIZATION_FAILED): allow the IAM identity of the AWS credentials the actions in docs/kafka.md',
    );
    expect(
      kafkaAccessError(new CoordinatorNotFound('Failed to find group coordinator'), 'aws-msk-iam')?.message,
    ).toBe(
      'Kafka named no coordinator for a consumer group or transaction: on a cluster with ACLs, allow the IAM identity of the AWS credentials the group and transactional-id actions in docs/kafka.md',
    );
  });

  it('leaves every other error to the caller', () => {
    expect(kafkaAccessError(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))).toBeUndefined();
    expect(kafkaAccessError(new Error('boom'))).toBeUndefined();
    expect(kafkaAccessError('not an error')).toBeUndefined();
  });
});
