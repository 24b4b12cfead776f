import { afterEach, describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { Router, type PageTagResult, type RouterPage } from '../../src/router/router.js';
import type { RouterOptions } from '../../src/router/router-options.js';
import type { RouterEvent } from '../../src/model/router-event.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { waitFor } from '../support/wait-for.js';
import {
  captureLogs,
  expectedTags,
  FAST_BACKOFF,
  geminiFor,
  openaiFor,
  spacePages,
  startSim,
  WRONG_GEMINI_KEY,
  WRONG_OPENAI_KEY,
} from './router-fixtures.js';

const logs = captureLogs();

let sim: Simulator | undefined;
let router: Router | undefined;
afterEach(async () => {
  router?.close();
  router = undefined;
  await sim?.close();
  sim = undefined;
  logs.length = 0;
});

/** Breaker timings small enough for a test, large enough to see each state. */
const FAST_BREAKER = { failureThreshold: 2, longHintMs: 10_000, cooldownMs: 50, maxCooldownMs: 200 };

function routerFor(s: Simulator, opts: Partial<RouterOptions> = {}): Router {
  router = new Router({
    providers: { gemini: geminiFor(s), openai: openaiFor(s) },
    backoff: FAST_BACKOFF,
    breaker: FAST_BREAKER,
    holdMaxDelayMs: 100,
    ...opts,
  });
  return router;
}

const providersOf = (results: PageTagResult[]): string[] => [
  ...new Set(results.map((r) => (r.ok ? r.provider : 'failed'))),
];

function expectAllTagged(results: PageTagResult[], pages: RouterPage[]): void {
  expect(results).toHaveLength(pages.length);
  for (const [i, r] of results.entries())
    expect(r).toMatchObject({ ok: true, tags: expectedTags(pages[i] as RouterPage) });
}

/** Whether a promise has settled yet, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const first = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    Promise.resolve(marker),
  ]);
  return first !== marker;
}

describe('Router fallback', () => {
  it('sends batches to OpenAI during a Gemini outage and back to Gemini after it', async () => {
    // The outage ends when the test says, not at a time the test must race.
    sim = await startSim({ gemini: { faults: { outages: [{ startMs: 0 }] } } });
    const r = routerFor(sim);
    const pages = spacePages(60);
    const events: RouterEvent[] = [];
    const during: PageTagResult[] = [];
    for (let i = 0; i < 3; i++)
      during.push(...(await r.tagBatch(pages.slice(i * 5, i * 5 + 5), { onEvent: (e) => events.push(e) })));
    sim.update({ gemini: { faults: { outages: [] } } });
    expect(providersOf(during)).toEqual(['openai']);
    expectAllTagged(during, pages.slice(0, 15));
    expect(r.preferred).toBe('openai');

    let next = 15;
    const after = await waitFor(
      async () => {
        const batch = pages.slice(next, next + 5);
        next = next + 5 >= pages.length ? 15 : next + 5;
        const results = await r.tagBatch(batch, { onEvent: (e) => events.push(e) });
        expectAllTagged(results, batch);
        return providersOf(results)[0] === 'gemini' ? results : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20, message: 'a batch tagged by Gemini again' },
    );
    expect(providersOf(after)).toEqual(['gemini']);
    expect(r.preferred).toBe('gemini');

    const m = r.metrics();
    const gemini = m.breaker_transitions
      .filter((t) => t.provider === 'gemini')
      .map((t) => `${t.from}>${t.to}`);
    expect(gemini[0]).toBe('closed>open');
    expect(gemini).toContain('open>half_open');
    expect(gemini.at(-1)).toBe('half_open>closed');
    expect(m.fallback_switches).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.type === 'fallback' && e.from === 'gemini' && e.to === 'openai')).toBe(true);
    expect(events.some((e) => e.type === 'breaker' && e.provider === 'gemini' && e.to === 'closed')).toBe(
      true,
    );
    const fallbackLines = logs
      .map((l) => JSON.parse(l) as { component: string; msg: string })
      .filter((l) => l.component === 'router');
    expect(fallbackLines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['batch switched provider', 'circuit breaker changed']),
    );
  });

  it('holds a batch while both providers are down and completes it once one is back', async () => {
    const down = { faults: { outages: [{ startMs: 0 }] } };
    sim = await startSim({ gemini: down, openai: down });
    const pages = spacePages(5);
    const events: RouterEvent[] = [];
    const pending = routerFor(sim).tagBatch(pages, { onEvent: (e) => events.push(e) });
    await waitFor(() => sim!.stats().gemini.requests >= 3 && sim!.stats().openai.requests >= 3, {
      message: 'probes of both providers',
    });
    expect(await isSettled(pending)).toBe(false);
    expect(events.some((e) => e.type === 'hold')).toBe(true);
    expect(logs.filter((l) => l.includes('holding batch'))).toHaveLength(1);

    sim.update({ openai: { faults: { outages: [] } } });
    const results = await pending;
    expectAllTagged(results, pages);
    expect(providersOf(results)).toEqual(['openai']);
    expect(router!.metrics().pages_failed).toBe(0);
  });

  it('says in its breaker’s log line why calls fail: an address that refuses connections, named', async () => {
    sim = await startSim();
    const r = routerFor(sim);
    await sim.close();
    sim = undefined;
    const controller = new AbortController();
    const pending = r.tagBatch(spacePages(3), { signal: controller.signal }).catch(() => undefined);
    const opened = () =>
      logs
        .map((l) => JSON.parse(l) as { msg: string; provider?: string; to?: string; error?: string })
        .filter((l) => l.msg === 'circuit breaker changed' && l.to === 'open');
    await waitFor(() => opened().length >= 2, { message: 'both breakers to open' });
    expect(r.providerStates().map((p) => p.state)).not.toContain('closed');
    controller.abort();
    await pending;
    for (const provider of ['gemini', 'openai']) {
      const line = opened().find((l) => l.provider === provider);
      expect(line?.error).toMatch(new RegExp(`^${provider} is unreachable at 127\\.0\\.0\\.1:\\d+: `));
    }
  });

  it('stops holding when its signal aborts', async () => {
    const down = { faults: { outages: [{ startMs: 0 }] } };
    sim = await startSim({ gemini: down, openai: down });
    const controller = new AbortController();
    const pending = routerFor(sim).tagBatch(spacePages(3), { signal: controller.signal });
    await waitFor(() => sim!.stats().openai.requests >= 2, { message: 'the hold to begin' });
    controller.abort();
    const err = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TagspaceError);
    expect(err).toMatchObject({ kind: 'unavailable', message: 'tagging aborted' });
  });

  it('sends batches straight to OpenAI once Gemini’s daily quota is spent, without a retry storm', async () => {
    sim = await startSim({ gemini: { faults: { dailyQuotaExhausted: true } } });
    const r = routerFor(sim);
    const pages = spacePages(50);
    const batches = Array.from({ length: 10 }, (_, i) => pages.slice(i * 5, i * 5 + 5));
    const first = await Promise.all(batches.slice(0, 3).map((b) => r.tagBatch(b)));
    const rest: PageTagResult[][] = [];
    for (const b of batches.slice(3)) rest.push(await r.tagBatch(b));
    for (const [i, results] of [...first, ...rest].entries()) {
      expectAllTagged(results, batches[i] as RouterPage[]);
      expect(providersOf(results)).toEqual(['openai']);
    }
    const stats = sim.stats();
    expect(stats.gemini.requests).toBeLessThanOrEqual(3);
    expect(stats.gemini.dailyQuota).toBe(stats.gemini.requests);
    expect(stats.openai.requests).toBe(10);
    const m = r.metrics();
    expect(m.retries).toBe(0);
    expect(m.rate_limit_errors).toBe(stats.gemini.requests);
    expect(m.fallback_switches).toBe(10);
  });

  it('falls back at once when Gemini asks for a wait longer than the breaker’s threshold', async () => {
    sim = await startSim({ gemini: { rpm: 1, windowMs: 60_000 } });
    const r = routerFor(sim);
    const pages = spacePages(10);
    expect(providersOf(await r.tagBatch(pages.slice(0, 5)))).toEqual(['gemini']);
    const events: RouterEvent[] = [];
    const second = await r.tagBatch(pages.slice(5), { onEvent: (e) => events.push(e) });
    expect(providersOf(second)).toEqual(['openai']);
    // At once: no retry waited for the minute's hint before OpenAI was asked.
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
    expect(events.filter((e) => e.type === 'call').map((e) => (e as { provider: string }).provider)).toEqual([
      'gemini',
      'openai',
    ]);
    const call = events.find((e) => e.type === 'call' && e.provider === 'gemini');
    expect(call).toMatchObject({ outcome: 'rate_limited', status: 429 });
    expect((call as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(10_000);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'breaker', provider: 'gemini', to: 'open' }),
    );
    expect(logs.some((l) => l.includes('"component":"provider-call"'))).toBe(true);
  });

  it('routes around a Gemini key the service rejects, naming the setting and never the key', async () => {
    sim = await startSim({ gemini: { apiKey: 'the-right-key', authStatus: 401 } });
    const r = routerFor(sim, {
      providers: { gemini: geminiFor(sim, { apiKey: WRONG_GEMINI_KEY }), openai: openaiFor(sim) },
    });
    const pages = spacePages(15);
    for (let i = 0; i < 15; i += 5) {
      const results = await r.tagBatch(pages.slice(i, i + 5));
      expectAllTagged(results, pages.slice(i, i + 5));
      expect(providersOf(results)).toEqual(['openai']);
    }
    expect(sim.stats().gemini.requests).toBe(1);
    expect(r.preferred).toBe('openai');
    expect(r.providerStates()).toEqual([
      { provider: 'gemini', state: 'unusable' },
      { provider: 'openai', state: 'closed' },
    ]);
    const unusable = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'provider unusable until its setting is fixed');
    expect(unusable).toMatchObject({
      component: 'router',
      provider: 'gemini',
      setting: 'GEMINI_API_KEY',
      status: 401,
    });
    expect(logs.join('\n')).not.toContain(WRONG_GEMINI_KEY);
  });

  it('rejects with auth naming both settings when neither key is accepted', async () => {
    sim = await startSim({ gemini: { apiKey: 'right-g' }, openai: { apiKey: 'right-o' } });
    const r = routerFor(sim, {
      providers: {
        gemini: geminiFor(sim, { apiKey: WRONG_GEMINI_KEY }),
        openai: openaiFor(sim, { apiKey: WRONG_OPENAI_KEY }),
      },
    });
    const err = await r.tagBatch(spacePages(3)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TagspaceError);
    const auth = err as TagspaceError;
    expect(auth.kind).toBe('auth');
    expect(auth.provider).toBe('gemini,openai');
    expect(auth.setting).toBe('GEMINI_API_KEY,OPENAI_API_KEY');
    expect(auth.message).toContain('GEMINI_API_KEY');
    expect(auth.message).toContain('OPENAI_API_KEY');
    for (const key of [WRONG_GEMINI_KEY, WRONG_OPENAI_KEY]) {
      expect(auth.message).not.toContain(key);
      expect(logs.join('\n')).not.toContain(key);
    }
    // Known bad: later batches fail at once, without calling either provider again.
    await expect(r.tagBatch(spacePages(2))).rejects.toMatchObject({ kind: 'auth' });
    expect(sim.stats().gemini.requests + sim.stats().openai.requests).toBe(2);
  });

  it('follows the preferred provider’s concurrency limit in limit$', async () => {
    sim = await startSim({ gemini: { rpm: 1, windowMs: 300 } });
    const r = routerFor(sim, {
      concurrency: { policy: 'seed', initial: 4, max: 10 },
      breaker: { ...FAST_BREAKER, longHintMs: 50 },
    });
    const limits: number[] = [];
    const sub = r.limit$.subscribe((l) => limits.push(l));
    const pages = spacePages(5);
    await r.tagBatch(pages);
    // The window is spent: Gemini's 429 halves its limit and opens its breaker; OpenAI's limit rules.
    expect(providersOf(await r.tagBatch(pages))).toEqual(['openai']);
    expect(r.preferred).toBe('openai');
    await waitFor(async () => providersOf(await r.tagBatch(pages))[0] === 'gemini', {
      message: 'Gemini serving again',
    });
    sub.unsubscribe();
    expect(limits).toEqual([4, 2, 4, 2]);
    expect(r.metrics().current_concurrency).toBe(2);
    expect(r.metrics().concurrency_adjustments).toEqual([
      expect.objectContaining({
        provider: 'gemini',
        reason: 'rate_limit_error_429',
        old_concurrency: 4,
        new_concurrency: 2,
      }),
    ]);
  });
});
