import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/model/errors.js';

describe('redactSecrets and Confluence credentials', () => {
  it('removes an HTTP Basic credential and an Atlassian API token', () => {
    const basic = Buffer.from('me@example.com:ATATT3xFfGF0T-some-long-token').toString('base64');
    expect(redactSecrets(`authorization: Basic ${basic}`)).toBe('authorization: Basic [redacted]');
    expect(redactSecrets('token ATATT3xFfGF0T5JY1r2fZ_abcdefgh=0123 leaked')).toBe('token [redacted] leaked');
  });

  it('leaves words after "Basic" alone', () => {
    expect(redactSecrets('Basic authentication failed; basic tier quota')).toBe(
      'Basic authentication failed; basic tier quota',
    );
  });

  it('removes a bearer token, and leaves the words after the mechanism named oauthbearer', () => {
    expect(redactSecrets('authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig')).toBe(
      'authorization: Bearer [redacted]',
    );
    expect(
      redactSecrets('invalid KAFKA_SASL_MECHANISM: oauthbearer needs KAFKA_SASL_OAUTHBEARER_CLIENT_ID'),
    ).toBe('invalid KAFKA_SASL_MECHANISM: oauthbearer needs KAFKA_SASL_OAUTHBEARER_CLIENT_ID');
  });

  it('removes the signature and session token of a presigned URL, and keeps the rest to read', () => {
    const url =
      'https://kafka.us-east-1.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Credential=AKIDEXAMPLE%2F20261207%2Fus-east-1%2Fkafka-cluster%2Faws4_request&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7&User-Agent=x';
    expect(redactSecrets(url)).toBe(
      'https://kafka.us-east-1.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Credential=AKIDEXAMPLE%2F20261207%2Fus-east-1%2Fkafka-cluster%2Faws4_request&X-Amz-Security-Token=[redacted]&X-Amz-Signature=[redacted]&User-Agent=x',
    );
  });
});
