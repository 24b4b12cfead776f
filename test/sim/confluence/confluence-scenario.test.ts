import { describe, expect, it } from 'vitest';
import { parseConfluenceScenario } from '../../../src/sim/confluence/confluence-scenario.js';

describe("a scenario's confluence block", () => {
  it('gives the defaults when absent: the documented credentials, no rate limit, an empty wiki', () => {
    expect(parseConfluenceScenario(undefined)).toEqual({
      config: {
        deployment: 'cloud',
        contextPath: '/confluence',
        users: [{ email: 'tagspace@example.com', apiToken: 'sim-api-token' }],
        cloudId: '5e3c2a8f-1b7d-4c09-9a6e-2f4d8b1c7e30',
        personalAccessTokens: ['sim-personal-access-token'],
        authFailure: 'anonymous',
        rateLimit: null,
        webhookDelivery: { retries: 0, retryDelayMs: 1000, timeoutMs: 10_000 },
      },
      spaces: [],
      webhooks: [],
    });
  });

  it('reads spaces, webhooks and the rate, with a one-second window by default', () => {
    const parsed = parseConfluenceScenario({
      rateLimit: { requests: 20 },
      spaces: [{ key: 'DEV', pages: 600, seed: 7 }],
      webhooks: [
        { url: 'http://127.0.0.1:9000/hook', events: ['page_updated'], configuration: { secret: 's' } },
      ],
    });
    expect(parsed.config.rateLimit).toEqual({ requests: 20, windowMs: 1000 });
    expect(parsed.spaces).toEqual([{ key: 'DEV', pages: 600, seed: 7 }]);
    expect(parsed.webhooks).toEqual([
      {
        url: 'http://127.0.0.1:9000/hook',
        events: ['page_updated'],
        active: true,
        configuration: { secret: 's' },
      },
    ]);
  });

  it.each([
    ['an unknown field', { rateLimits: {} }, 'confluence.rateLimits'],
    ['a space key with a dash', { spaces: [{ key: 'D-V', pages: 1 }] }, 'confluence.spaces[0].key'],
    [
      'a space twice',
      {
        spaces: [
          { key: 'DEV', pages: 1 },
          { key: 'DEV', pages: 2 },
        ],
      },
      'confluence.spaces[1].key',
    ],
    ['a webhook without a URL', { webhooks: [{ events: ['page_updated'] }] }, 'confluence.webhooks[0].url'],
    [
      'a webhook event Data Center does not send',
      { webhooks: [{ url: 'http://x/', events: ['page_viewed'] }] },
      'confluence.webhooks[0].events',
    ],
    ['a user without a token', { users: [{ email: 'a@b.c' }] }, 'confluence.users[0]'],
    ['a rate of zero', { rateLimit: { requests: 0 } }, 'confluence.rateLimit.requests'],
  ])('refuses %s, naming the field', (_what, block, setting) => {
    expect(() => parseConfluenceScenario(block)).toThrow(
      expect.objectContaining({ kind: 'config', setting }),
    );
  });
});
