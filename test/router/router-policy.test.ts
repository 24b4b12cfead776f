import { afterEach, describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import type { PromptPage } from '../../src/model/prompt.js';
import type { Provider, ProviderAnswer, TagCallOptions } from '../../src/router/provider.js';
import { Router, type RouterPage } from '../../src/router/router.js';
import type { RouterOptions } from '../../src/router/router-options.js';
import type { RouterEvent } from '../../src/model/router-event.js';
import { expectedTags, FAST_BACKOFF, quietLogs, spacePages } from './router-fixtures.js';
import { ClockedProvider } from './clocked-provider.js';
import { VirtualClock } from '../support/virtual-clock.js';
import type { ProviderName } from '../../src/model/provider-name.js';
import { LONE_SHARE } from '../../src/router/sharing/quota-share.js';

quietLogs();

/**
 * A provider whose every call follows a script: the n-th call (from 0) gets what `step` returns or
 * throws. The router's policy is what is under test here, so the provider is the test's to control.
 */
class ScriptedProvider implements Provider {
  readonly keySetting: string;
  readonly calls: PromptPage[][] = [];

  constructor(
    readonly name: ProviderName,
    private readonly step: (pages: readonly PromptPage[], n: number) => ProviderAnswer,
    readonly model = `${name}-model`,
  ) {
    this.keySetting = `${name.toUpperCase()}_API_KEY`;
  }

  async tag(pages: readonly PromptPage[], opts: TagCallOptions = {}): Promise<ProviderAnswer> {
    const n = this.calls.push([...pages]) - 1;
    await Promise.resolve();
    const answer = this.step(pages, n);
    opts.onResponse?.(answer);
    return answer;
  }
}

const byId = new Map<string, RouterPage>();
const pages = spacePages(6, 21);
for (const p of pages) byId.set(p.pageId, p);

function answer(entries: { id: string; tags: string[] }[]): ProviderAnswer {
  const json = { pages: entries };
  return {
    text: JSON.stringify(json),
    json,
    finishReason: 'STOP',
    usage: { inputTokens: 10, outputTokens: 5 },
    latencyMs: 1,
  };
}

/** The right answer for the pages asked. */
const right = (asked: readonly PromptPage[]): ProviderAnswer =>
  answer(asked.map((p) => ({ id: p.id, tags: expectedTags(byId.get(p.id) as RouterPage) })));

const fail = (kind: TagspaceError['kind'], details: { retryAfterMs?: number; status?: number } = {}) =>
  new TagspaceError(kind, `scripted ${kind}`, { provider: 'gemini', ...details });

let router: Router | undefined;
afterEach(() => {
  router?.close();
  router = undefined;
});

function routerWith(
  gemini: Provider | undefined,
  openai: Provider | undefined,
  opts: Partial<RouterOptions> = {},
): Router {
  router = new Router({
    providers: { gemini, openai },
    backoff: FAST_BACKOFF,
    breaker: { failureThreshold: 100, longHintMs: 10_000, cooldownMs: 50, maxCooldownMs: 100 },
    ...opts,
  });
  return router;
}

async function run(r: Router, batch: RouterPage[]) {
  const events: RouterEvent[] = [];
  const results = await r.tagBatch(batch, { onEvent: (e) => events.push(e) });
  return { results, events };
}

function expectRight(results: Awaited<ReturnType<Router['tagBatch']>>, batch: RouterPage[]): void {
  for (const [i, r] of results.entries())
    expect(r).toMatchObject({ ok: true, tags: expectedTags(batch[i] as RouterPage) });
}

describe('Router policy', () => {
  it('retries an overloaded Gemini maxRetries times, then falls back to OpenAI', async () => {
    const gemini = new ScriptedProvider('gemini', () => {
      throw fail('overloaded', { status: 503 });
    });
    const openai = new ScriptedProvider('openai', right);
    const r = routerWith(gemini, openai);
    const { results, events } = await run(r, pages.slice(0, 3));
    expectRight(results, pages.slice(0, 3));
    expect(gemini.calls).toHaveLength(FAST_BACKOFF.maxRetries + 1);
    expect(openai.calls).toHaveLength(1);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(3);
    expect(events.find((e) => e.type === 'fallback')).toMatchObject({
      from: 'gemini',
      to: 'openai',
      reason: 'gemini retries spent',
    });
    expect(r.metrics()).toMatchObject({
      retries: 3,
      fallback_switches: 1,
      total_ai_calls: 5,
      successful_calls: 1,
      failed_calls: 4,
    });
  });

  it('waits at least the retry hint before asking a rate-limited provider again', async () => {
    const clock = new VirtualClock();
    const gemini = new ClockedProvider('gemini', clock, (_asked, n) =>
      n === 0
        ? { latencyMs: 10, error: fail('rate_limited', { retryAfterMs: 150, status: 429 }) }
        : { latencyMs: 10 },
    );
    const r = routerWith(gemini, undefined, { scheduler: clock.scheduler });
    const { results, events } = await clock.run(run(r, pages.slice(0, 2)));
    // Refused at 10 ms with a 150 ms hint: asked again no sooner than 160 ms, on the router's clock.
    expect(gemini.calls.map((c) => c.at)).toEqual([0, expect.any(Number)]);
    expect(gemini.calls[1]!.at).toBeGreaterThanOrEqual(160);
    expectRight(results, pages.slice(0, 2));
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 150 });
    expect((events.find((e) => e.type === 'retry') as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(
      150,
    );
    expect(r.metrics().rate_limit_errors).toBe(1);
  });

  it('does not retry a spent quota: the batch goes to OpenAI at once', async () => {
    const gemini = new ScriptedProvider('gemini', () => {
      throw fail('quota_exhausted', { status: 429 });
    });
    const openai = new ScriptedProvider('openai', right);
    const r = routerWith(gemini, openai);
    const { results } = await run(r, pages.slice(0, 3));
    expectRight(results, pages.slice(0, 3));
    expect(gemini.calls).toHaveLength(1);
    expect(r.metrics().retries).toBe(0);
    await run(r, pages.slice(3, 6));
    expect(gemini.calls).toHaveLength(1);
  });

  it('retries a malformed answer once, then splits the batch', async () => {
    const gemini = new ScriptedProvider('gemini', (asked) => {
      if (asked.length > 2) throw fail('malformed_output', { status: 200 });
      return right(asked);
    });
    const r = routerWith(gemini, undefined);
    const batch = pages.slice(0, 4);
    const { results, events } = await run(r, batch);
    expectRight(results, batch);
    expect(gemini.calls.map((c) => c.length)).toEqual([4, 4, 2, 2]);
    expect(events.filter((e) => e.type === 'split')).toEqual([
      { type: 'split', pages: 4, into: [2, 2], reason: 'malformed_output' },
    ]);
  });

  it('asks again, on their own, for pages the answer dropped, invented or named twice', async () => {
    const [a, b, c, d] = pages.map((p) => ({ id: p.pageId, tags: expectedTags(p) }));
    const gemini = new ScriptedProvider('gemini', (asked, n) =>
      n === 0
        ? answer([a!, b!, b!, { id: 'invented', tags: ['x'] }]) // c and d dropped, b twice
        : right(asked),
    );
    const r = routerWith(gemini, undefined);
    const batch = pages.slice(0, 4);
    const { results, events } = await run(r, batch);
    expectRight(results, batch);
    expect(gemini.calls.map((call) => call.map((p) => p.id))).toEqual([
      batch.map((p) => p.pageId),
      [b!.id, c!.id, d!.id],
    ]);
    expect(events.find((e) => e.type === 'attribution')).toMatchObject({
      unanswered: [b!.id, c!.id, d!.id],
      invented: 1,
      duplicated: [b!.id],
    });
  });

  it('asks again one by one for two pages whose labels were swapped', async () => {
    const batch = pages.slice(0, 3);
    const [a, b, c] = batch.map((p) => ({ id: p.pageId, tags: expectedTags(p) }));
    const gemini = new ScriptedProvider('gemini', (asked, n) =>
      n === 0 ? answer([{ id: a!.id, tags: b!.tags }, { id: b!.id, tags: a!.tags }, c!]) : right(asked),
    );
    const r = routerWith(gemini, undefined);
    const { results, events } = await run(r, batch);
    expectRight(results, batch);
    expect(gemini.calls.map((call) => call.map((p) => p.id))).toEqual([
      [a!.id, b!.id, c!.id],
      [a!.id],
      [b!.id],
    ]);
    expect(events.find((e) => e.type === 'attribution')).toMatchObject({ suspect: [a!.id, b!.id] });
    expect(events.filter((e) => e.type === 'doubt')).toEqual([
      { type: 'doubt', pages: 3, suspect: [a!.id, b!.id], refuted: false },
    ]);
  });

  it('settles a doubted pair with one call when the first page, asked alone, answers as before', async () => {
    // Labels that look swapped but are what the model means: asked alone, a gets the same.
    const batch = pages.slice(0, 3);
    const [a, b, c] = batch.map((p) => ({ id: p.pageId, tags: expectedTags(p) }));
    const gemini = new ScriptedProvider('gemini', (asked, n) =>
      n === 0
        ? answer([{ id: a!.id, tags: b!.tags }, { id: b!.id, tags: a!.tags }, c!])
        : answer([{ id: a!.id, tags: b!.tags }]),
    );
    const r = routerWith(gemini, undefined);
    const { results, events } = await run(r, batch);
    expect(gemini.calls.map((call) => call.map((p) => p.id))).toEqual([[a!.id, b!.id, c!.id], [a!.id]]);
    expect(events.filter((e) => e.type === 'doubt')).toMatchObject([{ pages: 3, refuted: true }]);
    expect(results.map((x) => (x.ok ? [x.pageId, x.tags, x.provider] : x))).toEqual([
      [a!.id, b!.tags, 'gemini'],
      [b!.id, a!.tags, 'gemini'],
      [c!.id, c!.tags, 'gemini'],
    ]);
  });

  it('gives a lone page the whole retry budget before failing it, and never guesses', async () => {
    const gemini = new ScriptedProvider('gemini', () => answer([]));
    const r = routerWith(gemini, undefined);
    const { results } = await run(r, pages.slice(0, 1));
    expect(results).toEqual([
      {
        pageId: pages[0]?.pageId,
        ok: false,
        error: expect.objectContaining({ kind: 'attribution' }),
        attempts: 4,
      },
    ]);
    expect(r.metrics().pages_failed).toBe(1);
  });

  it('rejects at once on a bug, without retrying it', async () => {
    const gemini = new ScriptedProvider('gemini', () => {
      throw new TypeError('cannot read properties of undefined');
    });
    const openai = new ScriptedProvider('openai', right);
    const r = routerWith(gemini, openai);
    await expect(r.tagBatch(pages.slice(0, 2))).rejects.toMatchObject({ kind: 'internal' });
    expect(gemini.calls).toHaveLength(1);
    expect(openai.calls).toHaveLength(0);
  });

  it('rejects a batch that holds the same page twice', async () => {
    const r = routerWith(new ScriptedProvider('gemini', right), undefined);
    const page = pages[0] as RouterPage;
    await expect(r.tagBatch([page, page])).rejects.toMatchObject({ kind: 'internal' });
  });

  it('normalises labels, caps them per page and keeps only the taxonomy', async () => {
    const page = pages[0] as RouterPage;
    const gemini = new ScriptedProvider('gemini', () =>
      answer([
        { id: page.pageId, tags: ['Kafka', 'On Call', 'kafka', 'Not In Taxonomy', 'Runbook', 'postgres'] },
      ]),
    );
    const r = routerWith(gemini, undefined, { maxTagsPerPage: 2, taxonomy: ['kafka', 'on-call', 'runbook'] });
    const { results } = await run(r, [page]);
    expect(results[0]).toMatchObject({ ok: true, tags: ['kafka', 'on-call'] });
  });

  it('completes limit$ and refuses batches once closed', async () => {
    const r = routerWith(new ScriptedProvider('gemini', right), undefined);
    let completed = false;
    r.limit$.subscribe({ complete: () => (completed = true) });
    r.close();
    expect(completed).toBe(true);
    await expect(r.tagBatch(pages.slice(0, 1))).rejects.toMatchObject({ kind: 'unavailable' });
  });
});

describe('Router and pages no longer wanted (their partition moved)', () => {
  it('leaves a page that is not wanted out of the call and reports it dropped', async () => {
    const gemini = new ScriptedProvider('gemini', right);
    const r = routerWith(gemini, undefined);
    const batch = pages.slice(0, 3);
    const lost = batch[1]?.pageId;
    const results = await r.tagBatch(batch, { wanted: (id) => id !== lost });
    expect(gemini.calls.map((c) => c.map((p) => p.id))).toEqual([[batch[0]?.pageId, batch[2]?.pageId]]);
    expect(results[1]).toEqual({ pageId: lost, ok: false, dropped: true });
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[2]).toMatchObject({ ok: true });
  });

  it('makes no call at all when no page of the batch is wanted', async () => {
    const gemini = new ScriptedProvider('gemini', right);
    const r = routerWith(gemini, undefined);
    const batch = pages.slice(0, 2);
    const results = await r.tagBatch(batch, { wanted: () => false });
    expect(gemini.calls).toHaveLength(0);
    expect(results).toEqual(batch.map((p) => ({ pageId: p.pageId, ok: false, dropped: true })));
    expect(r.metrics().total_ai_calls).toBe(0);
  });

  it('retries with only the pages still wanted, and not at all once none is', async () => {
    const batch = pages.slice(0, 4);
    let wanted = new Set(batch.map((p) => p.pageId));
    const gemini = new ScriptedProvider('gemini', (asked, n) => {
      // The partition of two pages moves while the first call is out; then of all of them.
      if (n === 0) {
        wanted = new Set([batch[0]?.pageId ?? '', batch[1]?.pageId ?? '']);
        throw fail('overloaded', { status: 503 });
      }
      wanted = new Set();
      throw fail('overloaded', { status: 503 });
    });
    const r = routerWith(gemini, undefined);
    const results = await r.tagBatch(batch, { wanted: (id) => wanted.has(id) });
    expect(gemini.calls.map((c) => c.length)).toEqual([4, 2]);
    expect(results.every((x) => 'dropped' in x)).toBe(true);
  });
});

describe('Router quotas', () => {
  it('names each usable provider’s quota as its key’s sharers published it, and this instance’s part', () => {
    const share = {
      ...LONE_SHARE,
      fraction: () => 0.5,
      newestEstimate: () => ({ windowMs: 10_000, requests: 30, learntAt: 0, by: 'peer' }),
    };
    const r = routerWith(new ScriptedProvider('gemini', right), new ScriptedProvider('openai', right), {
      shares: { gemini: share },
    });
    expect(r.quotas()).toEqual([
      { provider: 'gemini', windowMs: 10_000, requests: 30, fraction: 0.5, instances: 1 },
      { provider: 'openai', fraction: 1, instances: 1 },
    ]);
  });

  it('names the quota a provider reports on its answers, beside what 429s taught the batch-size rule', async () => {
    const reading = {
      requests: { limit: 500, remaining: 499, resetMs: 120 },
      tokens: { limit: 200_000, remaining: 199_985, resetMs: 5 },
    };
    const openai = new ScriptedProvider('openai', (asked) => ({ ...right(asked), reading }));
    const r = routerWith(undefined, openai, {
      concurrency: { policy: 'adaptive', initial: 3, max: 10, minuteMs: 60_000 },
    });
    await r.tagBatch(pages.slice(0, 2));
    expect(r.quotas()).toEqual([
      {
        provider: 'openai',
        windowMs: 60_000,
        requests: 500,
        tokens: 200_000,
        shape: 'token_bucket',
        fraction: 1,
        instances: 1,
      },
    ]);
    expect(r.learntQuota).toEqual({
      reported: { windowMs: 60_000, requests: 500, tokens: 200_000, shape: 'token_bucket' },
    });
  });
});
