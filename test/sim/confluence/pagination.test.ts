import { describe, expect, it } from 'vitest';
import { call, startWiki, type V2List } from './kit.js';

type Page = {
  id: string;
  title: string;
  status: string;
  version: { number: number };
  body: { storage?: { value: string } };
};

async function spaceId(sim: Awaited<ReturnType<typeof startWiki>>, key: string): Promise<string> {
  const { body } = await call<V2List<{ id: string }>>(sim, `/wiki/api/v2/spaces?keys=${key}`);
  return body.results[0]?.id ?? '';
}

function nextFromLink(header: string | null): string | undefined {
  return header === null ? undefined : /<([^>]+)>;\s*rel="next"/.exec(header)?.[1];
}

describe('Confluence simulator: the pages of a space, by cursor', () => {
  it('serves a 600-page space in pages of 250 through _links.next, every page once', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 600, seed: 7 }] });
    const id = await spaceId(sim, 'DEV');
    const seen: string[] = [];
    const sizes: number[] = [];
    let next: string | undefined = `/wiki/api/v2/spaces/${id}/pages?body-format=storage&limit=250`;
    while (next !== undefined) {
      const { status, body }: { status: number; body: V2List<Page> } = await call<V2List<Page>>(sim, next);
      expect(status).toBe(200);
      expect(body._links.base).toBe(`${sim.url}/wiki`);
      sizes.push(body.results.length);
      seen.push(...body.results.map((p) => p.id));
      expect(body.results.every((p) => p.body.storage?.value.startsWith('<') === true)).toBe(true);
      next = body._links.next;
    }
    expect(sizes).toEqual([250, 250, 100]);
    expect(new Set(seen).size).toBe(600);
    expect(seen.sort()).toEqual(
      sim
        .pages('DEV')
        .map((p) => p.id)
        .sort(),
    );
  });

  it('serves the same pages by following the Link header, which also names the base', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 600, seed: 7 }] });
    const id = await spaceId(sim, 'DEV');
    const seen: string[] = [];
    let next: string | undefined = `/wiki/api/v2/spaces/${id}/pages?limit=250`;
    while (next !== undefined) {
      const answer: { headers: Headers; body: V2List<Page> } = await call<V2List<Page>>(sim, next);
      seen.push(...answer.body.results.map((p) => p.id));
      const link = answer.headers.get('link');
      next = nextFromLink(link);
      expect(next).toBe(answer.body._links.next);
      if (link !== null) expect(link).toContain(`<${sim.url}/wiki>; rel="base"`);
      expect(answer.body.results.every((p) => Object.keys(p.body).length === 0)).toBe(true);
    }
    expect(new Set(seen).size).toBe(600);
  });

  it('serves 25 pages when no limit is asked and 250 when more are asked', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 300 }] });
    const id = await spaceId(sim, 'DEV');
    expect((await call<V2List>(sim, `/wiki/api/v2/spaces/${id}/pages`)).body.results).toHaveLength(25);
    expect((await call<V2List>(sim, `/wiki/api/v2/spaces/${id}/pages?limit=1000`)).body.results).toHaveLength(
      250,
    );
    expect((await call(sim, `/wiki/api/v2/spaces/${id}/pages?limit=0`)).status).toBe(400);
  });

  it('misses no page when pages are edited and created between two requests of a crawl', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 100 }] });
    const id = await spaceId(sim, 'DEV');
    const first = await call<V2List<Page>>(sim, `/wiki/api/v2/spaces/${id}/pages?limit=40`);
    const crawled = first.body.results.map((p) => p.id);
    for (const p of sim.pages('DEV').slice(0, 30)) sim.editPage(p.id);
    const created = sim.createPage({ spaceKey: 'DEV', title: 'New page', body: '<p>new</p>' });
    let next = first.body._links.next;
    while (next !== undefined) {
      const page: V2List<Page> = (await call<V2List<Page>>(sim, next)).body;
      crawled.push(...page.results.map((p) => p.id));
      next = page._links.next;
    }
    expect(new Set(crawled).size).toBe(101);
    expect(crawled).toContain(created.id);
  });

  it('orders by modified date when asked and pages the same way', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 60 }] });
    const id = await spaceId(sim, 'DEV');
    const edited = sim.editPage(sim.pages('DEV')[5]?.id ?? '');
    const newest = await call<V2List<Page>>(
      sim,
      `/wiki/api/v2/spaces/${id}/pages?sort=-modified-date&limit=1`,
    );
    expect(newest.body.results[0]).toMatchObject({ id: edited.id, version: { number: 2 } });
    const all: string[] = [];
    let next: string | undefined = `/wiki/api/v2/spaces/${id}/pages?sort=-modified-date&limit=7`;
    while (next !== undefined) {
      const page: V2List<Page> = (await call<V2List<Page>>(sim, next)).body;
      all.push(...page.results.map((p) => p.id));
      next = page._links.next;
    }
    expect(new Set(all).size).toBe(60);
    expect(all[0]).toBe(edited.id);
  });

  it('answers a cursor it never issued with a 400 in the v2 error shape', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 3 }] });
    const id = await spaceId(sim, 'DEV');
    const { status, body } = await call(sim, `/wiki/api/v2/spaces/${id}/pages?cursor=not-a-cursor`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ errors: [{ status: 400, code: 'INVALID_REQUEST_PARAMETER' }] });
  });

  it('finds spaces by key, several at once, and answers an unknown key with an empty list', async () => {
    const sim = await startWiki({
      spaces: [
        { key: 'DEV', pages: 1 },
        { key: 'OPS', pages: 1, seed: 2 },
      ],
    });
    const both = await call<V2List<{ key: string }>>(sim, '/wiki/api/v2/spaces?keys=DEV,OPS');
    expect(both.body.results.map((s) => s.key)).toEqual(['DEV', 'OPS']);
    const repeated = await call<V2List<{ key: string }>>(sim, '/wiki/api/v2/spaces?keys=OPS&keys=DEV');
    expect(repeated.body.results).toHaveLength(2);
    const none = await call<V2List>(sim, '/wiki/api/v2/spaces?keys=NOPE');
    expect(none).toMatchObject({ status: 200, body: { results: [] } });
    expect((await call(sim, '/wiki/api/v2/spaces/999999/pages')).status).toBe(404);
  });

  it('fetches several pages by id in one request', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 10 }] });
    const ids = sim
      .pages('DEV')
      .slice(2, 5)
      .map((p) => p.id);
    const { body } = await call<V2List<Page>>(
      sim,
      `/wiki/api/v2/pages?id=${ids.join(',')}&body-format=storage`,
    );
    expect(body.results.map((p) => p.id)).toEqual(ids);
  });
});
