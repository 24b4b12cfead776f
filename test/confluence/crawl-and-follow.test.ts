import { describe, expect, it } from 'vitest';
import { crawlSpace } from '../../src/confluence/crawl-space.js';
import { pollSpace } from '../../src/confluence/space-follower.js';
import type { PageEvent } from '../../src/model/page-event.js';
import { validatePageEvent } from '../../src/model/page-event.js';
import { createConfluenceSim } from '../../src/sim/confluence/confluence-sim.js';
import { simApi } from './sim-client.js';

const poll = { timeZone: 'UTC', lagMs: 60_000, reconcile: true };

async function crawled(pages: number) {
  const sim = createConfluenceSim();
  const seeded = sim.seedSpace({ key: 'DEV', pages, seed: 7 });
  const api = simApi(sim);
  const events: PageEvent[] = [];
  const cp = await crawlSpace(api, 'DEV', { emit: async (batch) => void events.push(...batch) });
  return { sim, seeded, api, events, cp };
}

describe('crawling a space through the simulator', () => {
  it('turns 600 pages into exactly 600 valid page_snapshot events across pagination', async () => {
    const { events, cp, seeded, sim } = await crawled(600);
    expect(events).toHaveLength(600);
    expect(new Set(events.map((e) => e.pageId))).toEqual(new Set(seeded.pageIds));
    for (const e of events) expect(validatePageEvent(JSON.parse(JSON.stringify(e)))).toEqual(e);
    expect(
      events.every((e) => e.type === 'page_snapshot' && e.bodyFormat === 'storage' && e.spaceKey === 'DEV'),
    ).toBe(true);
    expect(cp.versions.size).toBe(600);
    // 600 pages at 250 a request: 3 listings with bodies, 3 label searches, 1 space lookup.
    expect(sim.stats().byRoute).toMatchObject({ 'space-pages': 3, search: 3, spaces: 1 });
  });

  it('carries each page’s labels, body in storage format and version', async () => {
    const { events, sim } = await crawled(30);
    for (const e of events) {
      const page = sim.page(e.pageId);
      expect(e.version).toBe(page?.version);
      expect(e.body).toBe(page?.body);
      expect(e.labels?.sort()).toEqual(page?.labels.map((l) => l.name).sort());
    }
    expect(events.some((e) => (e.labels?.length ?? 0) > 0)).toBe(true);
  });

  it('refuses an unknown space key as a bad --space', async () => {
    const sim = createConfluenceSim();
    sim.seedSpace({ key: 'DEV', pages: 1 });
    await expect(crawlSpace(simApi(sim), 'NOPE', { emit: async () => {} })).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringMatching(/--space.*NOPE/),
    });
  });
});

describe('following a space through the simulator', () => {
  it('emits edits as page_updated, new pages as page_created, trashed and purged pages as page_removed, once each', async () => {
    const { sim, api, cp, seeded } = await crawled(40);
    const [a, b, c, d, e] = seeded.pageIds as [string, string, string, string, string];
    sim.editPage(a);
    sim.editPage(a);
    sim.editPage(b, { title: 'Renamed' });
    sim.trashPage(c);
    sim.trashPage(d);
    sim.purgePage(d);
    const created = sim.createPage({ spaceKey: 'DEV', title: 'Fresh page', body: '<p>new</p>' });
    sim.purgePage(e);

    const first = await pollSpace(api, cp, poll);
    const byId = new Map(first.events.map((ev) => [ev.pageId, ev]));
    expect(byId.get(a)).toMatchObject({ type: 'page_updated', version: 3 });
    expect(byId.get(b)).toMatchObject({ type: 'page_updated', version: 2, title: 'Renamed' });
    expect(byId.get(c)).toMatchObject({ type: 'page_removed', version: 1 });
    expect(byId.get(d)).toMatchObject({ type: 'page_removed' });
    expect(byId.get(e)).toMatchObject({ type: 'page_removed' });
    expect(byId.get(created.id)).toMatchObject({ type: 'page_created', version: 1, body: '<p>new</p>' });
    expect(first.events).toHaveLength(6);
    expect(first.checkpoint.versions.has(c)).toBe(false);
    expect(first.checkpoint.versions.get(a)).toBe(3);

    const second = await pollSpace(api, first.checkpoint, poll);
    expect(second.events).toEqual([]);
  });

  it('finds a trash without the reconciling listing, from the space’s trashed pages', async () => {
    const { sim, api, cp, seeded } = await crawled(10);
    sim.trashPage(seeded.pageIds[3] as string);
    const { events } = await pollSpace(api, cp, { ...poll, reconcile: false });
    expect(events).toEqual([expect.objectContaining({ type: 'page_removed', pageId: seeded.pageIds[3] })]);
  });
});
