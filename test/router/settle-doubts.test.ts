import { describe, expect, it } from 'vitest';
import type { RouterEvent } from '../../src/model/router-event.js';
import type { PageTagResult, RouterPage } from '../../src/router/group-state.js';
import type { ProviderSlot } from '../../src/router/provider-slot.js';
import { settleDoubts } from '../../src/router/settle-doubts.js';

const page = (pageId: string): RouterPage => ({ pageId, title: pageId, text: pageId });
const slot = { name: 'openai', provider: { model: 'gpt-4o-mini' } } as unknown as ProviderSlot;
const [p, q, r] = ['p', 'q', 'r'].map(page) as [RouterPage, RouterPage, RouterPage];
const first = new Map([
  ['p', ['kafka', 'runbook']],
  ['q', ['postgres']],
  ['r', ['terraform']],
]);

/** An `ask` that answers each page with `labels[pageId]` (a failure where absent), and counts. */
function asker(labels: Record<string, string[]>) {
  const asked: string[][] = [];
  const ask = (pages: RouterPage[]): Promise<PageTagResult[]> => {
    asked.push(pages.map((x) => x.pageId));
    return Promise.resolve(
      pages.map((x): PageTagResult => {
        const tags = labels[x.pageId];
        return tags === undefined
          ? { pageId: x.pageId, ok: false, dropped: true }
          : { pageId: x.pageId, ok: true, tags, provider: 'gemini', model: 'g' };
      }),
    );
  };
  return { ask, asked };
}

/** The context settleDoubts reads and writes: which pages are wanted, and the events it emits. */
function context(wanted: (pageId: string) => boolean = () => true) {
  const events: RouterEvent[] = [];
  return { wanted, emit: (e: RouterEvent) => events.push(e), events };
}

describe('settleDoubts', () => {
  it('keeps the second page’s labels, from the provider that gave them, once the first page refutes the swap', async () => {
    const { ask, asked } = asker({ p: ['kafka', 'runbook'] });
    const ctx = context();
    const results = await settleDoubts(
      { suspects: [p, q], doubted: first, slot, spilled: true },
      ask,
      ctx,
      40,
    );
    expect(asked).toEqual([['p']]);
    expect(ctx.events).toEqual([{ type: 'doubt', pages: 40, suspect: ['p', 'q'], refuted: true }]);
    expect(results).toEqual([
      { pageId: 'p', ok: true, tags: ['kafka', 'runbook'], provider: 'gemini', model: 'g' },
      { pageId: 'q', ok: true, tags: ['postgres'], provider: 'openai', model: 'gpt-4o-mini', spilled: true },
    ]);
  });

  it('asks the second page alone when the first, asked alone, answers with the other’s labels', async () => {
    const { ask, asked } = asker({ p: ['postgres'], q: ['kafka', 'runbook'] });
    const ctx = context();
    const results = await settleDoubts({ suspects: [p, q], doubted: first, slot }, ask, ctx, 40);
    expect(asked).toEqual([['p'], ['q']]);
    expect(ctx.events).toEqual([{ type: 'doubt', pages: 40, suspect: ['p', 'q'], refuted: false }]);
    expect(results.map((x) => x.pageId)).toEqual(['p', 'q']);
  });

  it('asks the second page alone when the first gets no labels, or labels as near one as the other', async () => {
    const failed = asker({ q: ['postgres'] });
    await settleDoubts({ suspects: [p, q], doubted: first, slot }, failed.ask, context(), 40);
    expect(failed.asked).toEqual([['p'], ['q']]);
    const neither = asker({ p: ['helm'], q: ['postgres'] });
    await settleDoubts({ suspects: [p, q], doubted: first, slot }, neither.ask, context(), 40);
    expect(neither.asked).toEqual([['p'], ['q']]);
  });

  it('asks each page alone when more than two are in doubt', async () => {
    const { ask, asked } = asker({ p: ['kafka', 'runbook'], q: ['postgres'], r: ['terraform'] });
    const ctx = context();
    await settleDoubts({ suspects: [p, q, r], doubted: first, slot }, ask, ctx, 40);
    expect(asked).toEqual([['p'], ['q'], ['r']]);
    expect(ctx.events).toMatchObject([{ type: 'doubt', suspect: ['p', 'q', 'r'], refuted: false }]);
  });

  it('gives no result for a second page no longer wanted', async () => {
    const { ask } = asker({ p: ['kafka', 'runbook'] });
    const ctx = context((id) => id !== 'q');
    const results = await settleDoubts({ suspects: [p, q], doubted: first, slot }, ask, ctx, 40);
    expect(results.map((x) => x.pageId)).toEqual(['p']);
  });

  it('asks nothing and says nothing when no page is in doubt', async () => {
    const { ask, asked } = asker({});
    const ctx = context();
    expect(await settleDoubts({ suspects: [], doubted: first, slot }, ask, ctx, 40)).toEqual([]);
    expect([asked, ctx.events]).toEqual([[], []]);
  });
});
