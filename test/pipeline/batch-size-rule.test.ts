import { describe, expect, it } from 'vitest';
import { BatchSizeRule, batchSizeListener, type QuotaView } from '../../src/pipeline/batch-size-rule.js';
import type { RouterEvent } from '../../src/model/router-event.js';

function rule(opts: Partial<ConstructorParameters<typeof BatchSizeRule>[0]> = {}) {
  let now = 0;
  const r = new BatchSizeRule({ start: 5, maxSize: 40, policy: 'adaptive', ...opts }, () => now);
  return { r, advance: (ms: number) => (now += ms) };
}

/** Answers full batches until the size stops moving; returns the sizes seen. */
function growFully(r: BatchSizeRule, tokensPerPage = 330): number[] {
  const sizes = [r.size];
  for (let i = 0; i < 100; i++) {
    r.answered(r.size, r.size * tokensPerPage);
    if (r.size === sizes.at(-1)) break;
    sizes.push(r.size);
  }
  return sizes;
}

describe('BatchSizeRule', () => {
  it('starts at TAG_SPACE_BATCH_SIZE and doubles on every full batch answered while nothing says tokens bind', () => {
    const { r } = rule();
    expect(growFully(r)).toEqual([5, 10, 20, 40]);
  });

  it('grows in slow start on a backlog to what waits behind a full cut, up to the cap', () => {
    const { r } = rule();
    r.cut(5, 12);
    expect(r.size).toBe(12);
    r.cut(12, 3);
    r.cut(4, 500);
    expect(r.size).toBe(12);
    r.cut(12, 20);
    expect(r.size).toBe(24);
    r.cut(24, 500);
    expect(r.size).toBe(40);
    const big = rule().r;
    big.cut(5, 995);
    expect(big.size).toBe(40);
    const shrunk = rule().r;
    shrunk.misattributed(5, 1);
    shrunk.cut(4, 500);
    expect(shrunk.size).toBe(4);
  });

  it('grows in slow start on a backlog before it is cut, so the first batch is not cut at the start', () => {
    const { r } = rule();
    r.backlog(5);
    expect(r.size).toBe(5);
    r.backlog(1000);
    expect(r.size).toBe(40);
    // A burst that fits the cap goes as one batch.
    const small = rule().r;
    small.backlog(16);
    expect(small.size).toBe(16);
    const shrunk = rule().r;
    shrunk.truncated(5);
    shrunk.backlog(1000);
    expect(shrunk.size).toBe(2);
    const pinned = rule({ policy: 'fixed' }).r;
    pinned.backlog(1000);
    expect(pinned.size).toBe(5);
  });

  it('grows only on batches near full: a page or two that left at the linger time say nothing', () => {
    const { r } = rule();
    r.answered(1, 330);
    r.answered(2, 660);
    expect(r.size).toBe(5);
    r.answered(3, 990);
    expect(r.size).toBe(8);
    r.misattributed(8, 1);
    r.answered(6, 1980);
    expect(r.size).toBe(7);
  });

  it('halves on a truncated answer, then grows back by a quarter per full batch', () => {
    const { r } = rule();
    growFully(r);
    r.truncated(40);
    expect(r.size).toBe(20);
    expect(growFully(r)).toEqual([20, 25, 31, 39, 40]);
  });

  it('loses the share of pages an answer got wrong', () => {
    const { r } = rule();
    growFully(r);
    r.misattributed(40, 4);
    expect(r.size).toBe(36);
    // An answer of a batch cut at 20 pages, 2 wrong: a tenth, not a fall to 18.
    r.misattributed(20, 2);
    expect(r.size).toBe(32);
    r.truncated(40);
    r.truncated(40);
    expect(r.size).toBe(20);
  });

  it('is not moved by a failure of an answer under half its size (a re-ask of a few pages)', () => {
    const { r } = rule();
    growFully(r);
    r.misattributed(2, 1);
    r.truncated(19);
    expect(r.size).toBe(40);
    r.truncated(20);
    expect(r.size).toBe(20);
    r.truncated(20);
    expect(r.size).toBe(10);
  });

  it('stays moderate once tokens bind: back to the start when only the token quota is known', () => {
    const { r } = rule();
    growFully(r);
    r.learnt({ tokens: 200_000 });
    expect(r.size).toBe(5);
    expect(growFully(r)).toEqual([5]);
  });

  it('sizes to where requests and tokens run out together once both quotas are learnt', () => {
    const { r } = rule();
    growFully(r);
    // 100k tokens and 15 requests a window at 330 tokens a page: 100000 / (15 · 330) ≈ 20.2.
    r.learnt({ requests: 15, tokens: 100_000 });
    expect(r.size).toBe(21);
    // Gemini's free tier: a million tokens would take 200 pages a call; the maximum stops it.
    const free = rule().r;
    growFully(free);
    free.learnt({ requests: 15, tokens: 1_000_000 });
    expect(free.size).toBe(40);
    // OpenAI's tier 1: tokens bind at 1.2 pages a call; never below the start.
    const openai = rule().r;
    growFully(openai);
    openai.learnt({ requests: 500, tokens: 200_000 });
    expect(openai.size).toBe(5);
  });

  it('keeps growing when requests bind (a requests 429, the request quota learnt)', () => {
    const { r } = rule();
    r.refused('requests');
    r.learnt({ requests: 15 });
    expect(growFully(r)).toEqual([5, 10, 20, 40]);
  });

  it('takes a token 429 as "tokens bind" for memoryMs when the policy learns no quota, then returns to the size its answers earned', () => {
    const { r, advance } = rule({ memoryMs: 60_000 });
    growFully(r);
    r.refused('tokens');
    expect(r.size).toBe(5);
    advance(59_999);
    r.answered(5, 1650);
    expect(r.size).toBe(5);
    advance(1);
    expect(r.size).toBe(40);
  });

  it('keeps the size its answers earned while the quota caps it, and halves it at most on a failure at the cap', () => {
    const { r } = rule();
    growFully(r);
    r.learnt({ requests: 500, tokens: 200_000 });
    expect(r.size).toBe(5);
    r.answered(5, 1650);
    r.cut(5, 500);
    r.misattributed(2, 1);
    r.learnt({ requests: 15 });
    expect(r.size).toBe(40);
    r.learnt({ tokens: 200_000 });
    r.truncated(5);
    r.learnt({});
    expect(r.size).toBe(20);
  });

  it('never moves with TAG_SPACE_BATCH_SIZE=1 (the rollback switch) or with policy fixed', () => {
    const one = rule({ start: 1 }).r;
    expect(growFully(one)).toEqual([1]);
    expect(one.pinned).toBe(true);
    const fixed = rule({ policy: 'fixed' }).r;
    expect(growFully(fixed)).toEqual([5]);
    fixed.truncated(5);
    expect(fixed.size).toBe(5);
  });

  it('grows to at least its start when the start is above the maximum', () => {
    const { r } = rule({ start: 60, maxSize: 40 });
    expect(r.size).toBe(60);
  });
});

describe('batchSizeListener', () => {
  const call = (extra: Partial<Extract<RouterEvent, { type: 'call' }>>): RouterEvent => ({
    type: 'call',
    provider: 'gemini',
    model: 'm',
    attempt: 1,
    pages: 5,
    outcome: 'ok',
    inputTokens: 1500,
    outputTokens: 150,
    ...extra,
  });

  it('grows on a whole answer, not on one whose pages were mis-attributed', () => {
    const { r } = rule();
    const quota: QuotaView = {};
    const hear = batchSizeListener(r, () => ({ name: 'gemini', quota }));
    hear({
      type: 'attribution',
      pages: 5,
      unanswered: ['p1'],
      invented: 0,
      duplicated: [],
      suspect: ['p2', 'p3'],
    });
    hear(call({}));
    expect(r.size).toBe(4);
    // The pair in doubt counts once asking again leaves the swap standing.
    hear({ type: 'doubt', pages: 5, suspect: ['p2', 'p3'], refuted: false });
    expect(r.size).toBe(2);
    hear(call({ pages: 2 }));
    expect(r.size).toBe(3);
  });

  it('lets a pair that only looked swapped cost nothing once asking again refutes the swap', () => {
    // Two pages whose words overlap: an honest answer gives each labels that fit the other too.
    const { r } = rule();
    const hear = batchSizeListener(r, () => ({ name: 'gemini', quota: {} }));
    hear({ type: 'attribution', pages: 5, unanswered: [], invented: 0, duplicated: [], suspect: ['p', 'q'] });
    hear(call({}));
    expect(r.size).toBe(5);
    hear(call({ pages: 1 }));
    hear({ type: 'doubt', pages: 5, suspect: ['p', 'q'], refuted: true });
    expect(r.size).toBe(5);
    // Slow start goes on: the next whole answer doubles the size.
    hear(call({}));
    expect(r.size).toBe(10);
  });

  it('hears 429s and learnt quotas of the preferred provider only', () => {
    const { r } = rule();
    let learnt: QuotaView = {};
    const hear = batchSizeListener(r, () => ({ name: 'gemini', quota: learnt }));
    hear(call({ provider: 'openai', outcome: 'rate_limited', quota: 'tokens' }));
    hear(call({}));
    expect(r.size).toBe(10);
    learnt = { tokens: 50_000 };
    hear(call({ provider: 'openai', pages: 10 }));
    expect(r.size).toBe(20);
    hear(call({ provider: 'gemini', outcome: 'rate_limited', quota: 'tokens' }));
    expect(r.size).toBe(5);
  });

  it('forgets a token 429 of a provider that was preferred only for a while once the other is again', () => {
    // Gemini's retry hint made OpenAI preferred for a moment, and OpenAI's tokens ran short.
    const { r } = rule();
    let preferred: { name: 'gemini' | 'openai'; quota: QuotaView | undefined } = {
      name: 'gemini',
      quota: { requests: 15 },
    };
    const hear = batchSizeListener(r, () => preferred);
    growFully(r);
    expect(r.size).toBe(40);
    preferred = { name: 'openai', quota: { requests: 500 } };
    hear(call({ provider: 'openai', pages: 40, outcome: 'rate_limited', quota: 'tokens' }));
    expect(r.size).toBe(5);
    // OpenAI's answers at the cap do not lower the 40 the answers before had earned.
    hear(call({ provider: 'openai', pages: 5 }));
    expect(r.size).toBe(5);
    preferred = { name: 'gemini', quota: { requests: 15 } };
    hear(call({ provider: 'gemini', pages: 5 }));
    expect(r.size).toBe(40);
  });

  it('halves on a truncated call', () => {
    const { r } = rule({ start: 8 });
    const hear = batchSizeListener(r, () => ({ name: 'gemini', quota: undefined }));
    hear(call({ pages: 8, outcome: 'truncated_output' }));
    expect(r.size).toBe(4);
  });
});
