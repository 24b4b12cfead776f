import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/confluence/retry-after.js';
import { confluenceMessage } from '../../src/confluence/response-error.js';

const now = Date.parse('2026-05-04T10:20:30Z');

describe('retryAfterMs', () => {
  it('reads Retry-After in seconds', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
  });

  it('reads Retry-After as an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': 'Mon, 04 May 2026 10:20:35 GMT' }), now)).toBe(5000);
  });

  it('falls back to X-RateLimit-Reset, Confluence’s ISO instant to the minute', () => {
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': '2026-05-04T10:21Z' }), now)).toBe(30_000);
  });

  it('says nothing when no header does', () => {
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('confluenceMessage', () => {
  it('reads v2 and v1 error bodies', () => {
    expect(
      confluenceMessage(
        '{"errors":[{"status":400,"code":"INVALID_REQUEST_PARAMETER","title":"Provided value {x} for \'status\' is not valid","detail":null}]}',
      ),
    ).toMatch(/is not valid/);
    expect(
      confluenceMessage(
        '{"statusCode":400,"data":{},"message":"Could not parse cql : x","reason":"Bad Request"}',
      ),
    ).toBe('Could not parse cql : x');
    expect(confluenceMessage('')).toBeUndefined();
    expect(confluenceMessage('<html>')).toBeUndefined();
  });
});
