import { describe, expect, it } from 'vitest';
import { basicAuth, call, cql, startWiki } from './kit.js';

function clock(startIso: string) {
  let t = Date.parse(startIso);
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const V2 = '/wiki/api/v2/spaces?keys=DEV';

describe('Confluence simulator: the request rate', () => {
  it('admits the configured requests per window, counting down X-RateLimit-Remaining and warning near the limit', async () => {
    const time = clock('2026-05-04T10:20:30.500Z');
    const sim = await startWiki({
      now: time.now,
      config: { rateLimit: { requests: 10, windowMs: 1000 } },
      spaces: [{ key: 'DEV', pages: 1 }],
    });
    const remaining: string[] = [];
    const near: (string | null)[] = [];
    for (let i = 0; i < 10; i++) {
      const { status, headers } = await call(sim, V2);
      expect(status).toBe(200);
      expect(headers.get('x-ratelimit-limit')).toBe('10');
      remaining.push(headers.get('x-ratelimit-remaining') ?? '');
      near.push(headers.get('x-ratelimit-nearlimit'));
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    expect(near.slice(0, 8).every((n) => n === null)).toBe(true);
    expect(near.slice(8)).toEqual(['true', 'true']);
  });

  it('answers the request past the limit with 429, Retry-After in whole seconds and the reset minute', async () => {
    const time = clock('2026-05-04T10:20:59.500Z');
    const sim = await startWiki({
      now: time.now,
      config: { rateLimit: { requests: 3, windowMs: 2500 } },
      spaces: [{ key: 'DEV', pages: 1 }],
    });
    for (let i = 0; i < 3; i++) expect((await call(sim, V2)).status).toBe(200);
    const refused = await call(sim, V2);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ errors: [{ status: 429, code: 'TOO_MANY_REQUESTS' }] });
    expect(Object.fromEntries([...refused.headers].filter(([k]) => /rate|retry/i.test(k)))).toEqual({
      'retry-after': '3',
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '2026-05-04T10:21Z',
      'ratelimit-reason': 'confluence-burst-based',
    });
    const v1 = await call(sim, `/wiki/rest/api/content/search?cql=${cql('space = DEV')}`);
    expect(v1).toMatchObject({ status: 429, body: { statusCode: 429 } });
  });

  it('admits requests again once the window has moved past the oldest ones', async () => {
    const time = clock('2026-05-04T10:00:00Z');
    const sim = await startWiki({
      now: time.now,
      config: { rateLimit: { requests: 2, windowMs: 1000 } },
      spaces: [{ key: 'DEV', pages: 1 }],
    });
    await call(sim, V2);
    time.advance(600);
    await call(sim, V2);
    expect((await call(sim, V2)).status).toBe(429);
    time.advance(400);
    expect((await call(sim, V2)).status).toBe(200);
    expect((await call(sim, V2)).status).toBe(429);
    time.advance(600);
    expect((await call(sim, V2)).status).toBe(200);
  });

  it('limits before it authenticates, and counts every refusal in its stats', async () => {
    const time = clock('2026-05-04T10:00:00Z');
    const sim = await startWiki({
      now: time.now,
      config: { rateLimit: { requests: 1, windowMs: 1000 } },
      spaces: [{ key: 'DEV', pages: 1 }],
    });
    expect((await call(sim, V2, { auth: basicAuth('x@example.com', 'wrong') })).status).toBe(404);
    expect((await call(sim, V2, { auth: basicAuth('x@example.com', 'wrong') })).status).toBe(429);
    expect((await call(sim, V2)).status).toBe(429);
    expect(sim.stats()).toMatchObject({
      requests: 3,
      byRoute: { spaces: 3 },
      rateLimited: 2,
      authFailures: 1,
    });
  });

  it('changes the rate mid-run through the control API, and lifts it with null', async () => {
    const time = clock('2026-05-04T10:00:00Z');
    const sim = await startWiki({ now: time.now, spaces: [{ key: 'DEV', pages: 1 }] });
    const set = (rateLimit: unknown) =>
      call(sim, '/_confluence/config', { method: 'POST', body: JSON.stringify({ rateLimit }), auth: null });
    expect((await set({ requests: 1 })).status).toBe(200);
    await call(sim, V2);
    expect((await call(sim, V2)).status).toBe(429);
    await set(null);
    expect((await call(sim, V2)).status).toBe(200);
    expect((await set({ requests: 0 })).status).toBe(400);
  });
});
