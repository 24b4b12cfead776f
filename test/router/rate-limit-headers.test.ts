import { describe, expect, it } from 'vitest';
import { readRateLimitHeaders } from '../../src/router/rate-limit-headers.js';
import { parseGoDuration } from '../../src/router/go-duration.js';

const FULL = {
  'x-ratelimit-limit-requests': '5000',
  'x-ratelimit-limit-tokens': '160000',
  'x-ratelimit-remaining-requests': '4999',
  'x-ratelimit-remaining-tokens': '159976',
  'x-ratelimit-reset-requests': '12ms',
  'x-ratelimit-reset-tokens': '9ms',
};

describe('readRateLimitHeaders', () => {
  it('reads both budgets of an answer as OpenAI sends them', () => {
    expect(readRateLimitHeaders(new Headers(FULL))).toEqual({
      requests: { limit: 5000, remaining: 4999, resetMs: 12 },
      tokens: { limit: 160_000, remaining: 159_976, resetMs: 9 },
    });
  });

  it('reads resets spelt as Go durations of minutes, seconds and fractions', () => {
    const reading = readRateLimitHeaders(
      new Headers({ ...FULL, 'x-ratelimit-reset-requests': '1.5s', 'x-ratelimit-reset-tokens': '6m0s' }),
    );
    expect(reading?.requests?.resetMs).toBe(1_500);
    expect(reading?.tokens?.resetMs).toBe(360_000);
  });

  it('leaves out a budget whose headers are missing or garbled, and keeps the other', () => {
    const { 'x-ratelimit-reset-tokens': _gone, ...noTokenReset } = FULL;
    expect(readRateLimitHeaders(new Headers(noTokenReset))).toEqual({
      requests: { limit: 5000, remaining: 4999, resetMs: 12 },
    });
    for (const [name, value] of [
      ['x-ratelimit-limit-tokens', 'lots'],
      ['x-ratelimit-limit-tokens', '0'],
      ['x-ratelimit-remaining-tokens', '-3'],
      ['x-ratelimit-remaining-tokens', '12.5'],
      ['x-ratelimit-reset-tokens', '9'],
      ['x-ratelimit-reset-tokens', 'soon'],
    ] as const) {
      const reading = readRateLimitHeaders(new Headers({ ...FULL, [name]: value }));
      expect(reading, `${name}: ${value}`).toEqual({
        requests: { limit: 5000, remaining: 4999, resetMs: 12 },
      });
    }
  });

  it('gives no reading, and no error, when the headers report no quota', () => {
    expect(readRateLimitHeaders(new Headers({ 'content-type': 'application/json' }))).toBeUndefined();
    expect(readRateLimitHeaders(undefined)).toBeUndefined();
    expect(readRateLimitHeaders({} as unknown as Headers)).toBeUndefined();
  });
});

describe('parseGoDuration', () => {
  it('adds up every unit Go spells, and refuses anything else', () => {
    expect(parseGoDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseGoDuration('120ms')).toBe(120);
    expect(parseGoDuration('1500us')).toBe(2);
    expect(parseGoDuration('0s')).toBe(0);
    for (const bad of ['', '5', '-1s', '1.s', '1 s', 's', '2d'])
      expect(parseGoDuration(bad), bad).toBeUndefined();
  });
});
