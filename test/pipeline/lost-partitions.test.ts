import { BehaviorSubject, lastValueFrom, Subject, toArray, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { abortedError } from '../../src/model/errors.js';
import type { Delivery, Outcome } from '../../src/model/work.js';
import { TagCache } from '../../src/pipeline/tag-cache.js';
import { tagDeliveries } from '../../src/pipeline/tag-deliveries.js';
import type { WorkOwnership } from '../../src/pipeline/work-ownership.js';
import type { PageTagResult, Router, RouterPage } from '../../src/router/router.js';
import type { TagBatchOptions } from '../../src/router/router-options.js';
import { RunStats } from '../../src/run/run-stats.js';

/** A consumer's ownership as the Kafka source keeps it: partitions, and the deliveries released. */
class FakeOwnership implements WorkOwnership {
  readonly owned = new Set([0, 1]);
  readonly released: string[] = [];
  private readonly lost = new Subject<number[]>();
  readonly lost$ = this.lost.asObservable();

  owns(d: Delivery): boolean {
    return this.owned.has(d.partition);
  }

  dropped(d: Delivery): void {
    this.released.push(d.offset);
  }

  lose(partition: number): void {
    this.owned.delete(partition);
    this.lost.next([partition]);
  }
}

function delivery(partition: number, offset: number, pageId: string): Delivery {
  const event = {
    type: 'page_created',
    spaceKey: 'S',
    pageId,
    version: 1,
    title: `Page ${pageId}`,
    body: 'kafka consumer lag',
    bodyFormat: 'text',
  };
  return {
    topic: 't',
    partition,
    offset: String(offset),
    key: null,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
    receivedAt: 0,
  };
}

const tagged = (pages: readonly RouterPage[]): PageTagResult[] =>
  pages.map((p) => ({ pageId: p.pageId, ok: true, tags: ['kafka'], provider: 'gemini', model: 'm' }));

/**
 * A router whose calls the test answers: each tagBatch waits until `answer` is called for it, or
 * rejects when its signal aborts (as a wait at the provider's gate or between retries does).
 */
class HeldRouter {
  readonly limit$ = new BehaviorSubject(4);
  readonly calls: { pages: RouterPage[]; opts: TagBatchOptions; answer: () => void }[] = [];

  tagBatch(pages: RouterPage[], opts: TagBatchOptions = {}): Promise<PageTagResult[]> {
    return new Promise((resolve, reject) => {
      const { signal } = opts;
      signal?.addEventListener('abort', () => reject(abortedError(signal)), { once: true });
      const answer = () =>
        resolve(
          pages.map((p) =>
            opts.wanted?.(p.pageId) === false
              ? { pageId: p.pageId, ok: false, dropped: true }
              : tagged([p])[0]!,
          ),
        );
      this.calls.push({ pages, opts, answer });
    });
  }
}

function pipeline(router: HeldRouter, ownership: FakeOwnership, scheduler = new VirtualTimeScheduler()) {
  const input = new Subject<Delivery>();
  const done = lastValueFrom(
    input.pipe(
      tagDeliveries({
        router: router as unknown as Router,
        cache: new TagCache({ enabled: true, maxSize: 100 }),
        stats: new RunStats(),
        batch: { size: 3, lingerMs: 1_000, maxPromptTokens: 8_000, maxPageTokens: 2_000 },
        scheduler,
        ownership,
      }),
      toArray(),
    ),
  );
  return { input, done, scheduler };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const offsets = (outcomes: Outcome[]) => outcomes.map((o) => `${o.kind}@${o.delivery.offset}`);

describe('the pipeline when its consumer loses partitions', () => {
  it('drops the pages of a lost partition waiting in the batcher: no call, no outcome, released at once', async () => {
    const router = new HeldRouter();
    const ownership = new FakeOwnership();
    const { input, done, scheduler } = pipeline(router, ownership);
    input.next(delivery(0, 10, 'a'));
    input.next(delivery(1, 11, 'b'));
    ownership.lose(1);
    expect(ownership.released).toEqual(['11']);
    scheduler.flush(); // the linger sends what is left
    await settle();
    expect(router.calls.map((c) => c.pages.map((p) => p.pageId))).toEqual([['a']]);
    router.calls[0]?.answer();
    input.complete();
    expect(offsets(await done)).toEqual(['tagged@10']);
  });

  it('stops a batch all of whose pages are lost while it waits for the provider, and goes on with the rest', async () => {
    const router = new HeldRouter();
    const ownership = new FakeOwnership();
    const { input, done, scheduler } = pipeline(router, ownership);
    for (const [i, id] of ['a', 'b', 'c'].entries()) input.next(delivery(1, i, id));
    // The batcher looks at a burst once it is in: on the scheduler's next turn.
    scheduler.flush();
    await settle();
    expect(router.calls).toHaveLength(1);
    ownership.lose(1);
    await settle();
    expect(router.calls[0]?.opts.signal?.aborted).toBe(true);
    expect(ownership.released.sort()).toEqual(['0', '1', '2']);
    input.next(delivery(0, 3, 'd'));
    input.complete();
    scheduler.flush();
    await settle();
    router.calls[1]?.answer();
    expect(offsets(await done)).toEqual(['tagged@3']);
  });

  it('keeps a batch with pages of partitions it still owns, and lets the router leave the lost ones out', async () => {
    const router = new HeldRouter();
    const ownership = new FakeOwnership();
    const { input, done, scheduler } = pipeline(router, ownership);
    input.next(delivery(0, 0, 'a'));
    input.next(delivery(1, 1, 'b'));
    input.next(delivery(0, 2, 'c'));
    scheduler.flush();
    await settle();
    ownership.lose(1);
    const call = router.calls[0];
    expect(call?.opts.signal?.aborted).toBe(false);
    expect(['a', 'b', 'c'].map((id) => call?.opts.wanted?.(id))).toEqual([true, false, true]);
    call?.answer();
    input.complete();
    expect(offsets(await done)).toEqual(['tagged@0', 'tagged@2']);
    expect(ownership.released).toEqual(['1']);
  });

  it('drops nothing of the partitions it keeps', async () => {
    const router = new HeldRouter();
    const ownership = new FakeOwnership();
    ownership.owned.add(2);
    const { input, done, scheduler } = pipeline(router, ownership);
    input.next(delivery(0, 0, 'a'));
    input.next(delivery(2, 1, 'b'));
    ownership.lose(1);
    scheduler.flush();
    await settle();
    router.calls[0]?.answer();
    input.complete();
    expect(offsets(await done)).toEqual(['tagged@0', 'tagged@1']);
    expect(ownership.released).toEqual([]);
  });
});
