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
});
