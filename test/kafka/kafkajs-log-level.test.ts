import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { levelOfKafkaLog } from '../../src/kafka/kafkajs-log-level.js';

const CONCURRENT =
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';

describe('levelOfKafkaLog', () => {
  it('writes the retries of a transaction begun while the last one’s markers are written at debug, not as errors', () => {
    // The two lines kafkajs writes for each such try, as a healthy exactly-once run shows them.
    expect(
      levelOfKafkaLog(logLevel.ERROR, {
        message: 'Response AddPartitionsToTxn(key: 24, version: 1)',
        error: CONCURRENT,
      }),
    ).toBe('debug');
    expect(levelOfKafkaLog(logLevel.ERROR, { message: `Failed to send messages: ${CONCURRENT}` })).toBe(
      'debug',
    );
  });

  it('writes the retries while a group’s coordinator is found or loads its state at debug, not as errors', () => {
    // As a first `run` and a first `gen` against a fresh broker logged them, before they did their work.
    expect(
      levelOfKafkaLog(logLevel.ERROR, {
        message: 'Response GroupCoordinator(key: 10, version: 2)',
        error: 'The group coordinator is not available',
      }),
    ).toBe('debug');
    expect(
      levelOfKafkaLog(logLevel.ERROR, {
        message: 'Response InitProducerId(key: 22, version: 1)',
        error: "The coordinator is loading and hence can't process requests for this group",
      }),
    ).toBe('debug');
  });

  it('writes a metadata answer that does not know a topic just created at debug, and a produce refused so as an error', () => {
    // As a replay that created its quota topic logged it while the topic's metadata spread.
    const unknown = 'This server does not host this topic-partition';
    expect(
      levelOfKafkaLog(logLevel.ERROR, { message: 'Response Metadata(key: 3, version: 6)', error: unknown }),
    ).toBe('debug');
    expect(
      levelOfKafkaLog(logLevel.ERROR, { message: 'Response Produce(key: 0, version: 7)', error: unknown }),
    ).toBe('error');
  });

  it('writes a DescribeConfigs refused for want of an ACL at debug, as tagspace reports the skipped check itself', () => {
    const refused = 'Not authorized to access topics: [Topic authorization failed]';
    expect(
      levelOfKafkaLog(logLevel.ERROR, {
        message: 'Response DescribeConfigs(key: 32, version: 2)',
        error: refused,
      }),
    ).toBe('debug');
    expect(
      levelOfKafkaLog(logLevel.ERROR, { message: 'Response Fetch(key: 1, version: 11)', error: refused }),
    ).toBe('error');
  });

  it('keeps kafkajs’s level for everything else, a broker that refuses connections among it', () => {
    expect(
      levelOfKafkaLog(logLevel.ERROR, { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:29094' }),
    ).toBe('error');
    expect(
      levelOfKafkaLog(logLevel.ERROR, {
        message: 'Response Produce(key: 0, version: 7)',
        error: 'This server is not the leader for that topic-partition',
      }),
    ).toBe('error');
    expect(levelOfKafkaLog(logLevel.WARN, { message: 'Restarting the consumer in 1000ms' })).toBe('warn');
  });

  it('drops the warning about the idempotent producer’s limited retries, a choice tagspace made', () => {
    expect(
      levelOfKafkaLog(logLevel.WARN, {
        message: 'Limiting retries for the idempotent producer to Number.MAX_SAFE_INTEGER',
      }),
    ).toBeUndefined();
  });
});
