import { BehaviorSubject, from, lastValueFrom, NEVER, concat, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { tagDeliveries } from '../../src/pipeline/tag-deliveries.js';
import type { PageTagResult, Router, RouterPage } from '../../src/router/router.js';
import { RunStats } from '../../src/run/run-stats.js';
import { TagCache } from '../../src/pipeline/tag-cache.js';
import type { Delivery } from '../../src/model/work.js';

function delivery(offset: number, value: unknown): Delivery {
  return {
    topic: 't',
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers: {},
    receivedAt: 0,
  };
}

function page(id: string, version = 1) {
  return {
    type: 'page_created',
    spaceKey: 'S',
    pageId: id,
    version,
    title: `Page ${id}`,
    body: 'kafka consumer lag',
    bodyFormat: 'text',
  };
}

/** A router that answers from a function: the pipeline's contract with it is all that is under test. */
function fakeRouter(answer: (pages: RouterPage[]) => PageTagResult[]): Router {
  return {
    limit$: new BehaviorSubject(2),
    tagBatch: async (pages: RouterPage[]) => answer(pages),
  } as unknown as Router;
}

function run(router: Router, deliveries: Delivery[]) {
  return lastValueFrom(
    from(deliveries).pipe(
      tagDeliveries({
        router,
        cache: new TagCache({ enabled: true, maxSize: 100 }),
        stats: new RunStats(),
        batch: { size: 5, lingerMs: 10, maxPromptTokens: 8000, maxPageTokens: 2000 },
      }),
      toArray(),
    ),
  );
}

describe('tagDeliveries', () => {
  it('keeps the waiting pages of each subscription apart, so a run abandoned mid-call leaves nothing behind', async () => {
    let answering = false;
    let called!: () => void;
    const firstCall = new Promise<void>((resolve) => (called = resolve));
    const router = {
      limit$: new BehaviorSubject(2),
      tagBatch: (pages: RouterPage[]) => {
        called();
        return answering
          ? Promise.resolve(
              pages.map((p) => ({
                pageId: p.pageId,
                ok: true,
                tags: ['kafka'],
                provider: 'gemini',
                model: 'm',
              })),
            )
          : new Promise<PageTagResult[]>(() => {});
      },
    } as unknown as Router;
    const tagging = tagDeliveries({
      router,
      cache: new TagCache({ enabled: true, maxSize: 100 }),
      stats: new RunStats(),
      batch: { size: 5, lingerMs: 0, maxPromptTokens: 8000, maxPageTokens: 2000 },
    });
    // The first run sends p1 v1 to a router that never answers, and is abandoned (a restart).
    const first = concat(from([delivery(0, page('p1'))]), NEVER)
      .pipe(tagging)
      .subscribe();
    await firstCall;
    first.unsubscribe();
    // The second run gets the same event again (redelivered): it must be tagged, not skipped as a
    // duplicate of a version the first run left "in flight".
    answering = true;
    const outcomes = await lastValueFrom(from([delivery(0, page('p1'))]).pipe(tagging, toArray()));
    expect(outcomes.map((o) => o.kind)).toEqual(['tagged']);
  });

  it('ends every delivery as exactly one outcome: tagged, dead-lettered, skipped or coalesced', async () => {
    const router = fakeRouter((pages) =>
      pages.map((p) => ({ pageId: p.pageId, ok: true, tags: ['kafka'], provider: 'gemini', model: 'm' })),
    );
    const outcomes = await run(router, [
      delivery(0, page('a')),
      delivery(1, 'not json'),
      delivery(2, page('b')),
      delivery(3, page('b', 2)),
      delivery(4, page('a')),
    ]);
    const byOffset = new Map(
      outcomes.map((o) => [o.delivery.offset, o.kind === 'skipped' ? `skipped:${o.reason}` : o.kind]),
    );
    expect(outcomes).toHaveLength(5);
    expect(Object.fromEntries(byOffset)).toEqual({
      '0': 'tagged',
      '1': 'dead_letter',
      '2': 'skipped:coalesced',
      '3': 'tagged',
      '4': 'skipped:duplicate',
    });
  });

  it('dead-letters a page the router failed on its own and tags its batch-mates', async () => {
    const router = fakeRouter((pages) =>
      pages.map((p) =>
        p.pageId === 'bad'
          ? { pageId: p.pageId, ok: false, error: new TagspaceError('bad_request', 'rejected'), attempts: 2 }
          : { pageId: p.pageId, ok: true, tags: ['x'], provider: 'openai', model: 'm' },
      ),
    );
    const outcomes = await run(router, [delivery(0, page('ok')), delivery(1, page('bad'))]);
    const bad = outcomes.find((o) => o.delivery.offset === '1');
    expect(bad).toMatchObject({ kind: 'dead_letter', attempts: 2 });
    expect(outcomes.find((o) => o.delivery.offset === '0')?.kind).toBe('tagged');
  });

  it('stops with an internal error when the router leaves a page without a result', async () => {
    const router = fakeRouter((pages) =>
      pages
        .slice(1)
        .map((p) => ({ pageId: p.pageId, ok: true, tags: ['x'], provider: 'gemini', model: 'm' })),
    );
    await expect(run(router, [delivery(0, page('a')), delivery(1, page('b'))])).rejects.toMatchObject({
      kind: 'internal',
    });
  });

  it('lets a configuration fault of every provider stop the pipeline', async () => {
    const router = {
      limit$: new BehaviorSubject(1),
      tagBatch: async () => {
        throw new TagspaceError('auth', 'gemini rejected GEMINI_API_KEY', { setting: 'GEMINI_API_KEY' });
      },
    } as unknown as Router;
    await expect(run(router, [delivery(0, page('a'))])).rejects.toMatchObject({ kind: 'auth' });
  });
});
