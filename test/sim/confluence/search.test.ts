import { describe, expect, it } from 'vitest';
import { call, cql, startWiki } from './kit.js';

type Content = {
  id: string;
  type: string;
  status: string;
  title: string;
  version?: { number: number; when: string };
};
type ContentArray = {
  results: Content[];
  start: number;
  limit: number;
  size: number;
  _links: { next?: string; base: string; context: string };
};
type SearchPage = {
  results: { content: Content; lastModified: string; entityType: string }[];
  totalSize: number;
  cqlQuery: string;
  size: number;
  _links: { next?: string };
};

/** A fixed clock the test moves, so edits land at known minutes. */
function clock(startIso: string) {
  let t = Date.parse(startIso);
  return { now: () => t, set: (iso: string) => void (t = Date.parse(iso)) };
}

describe('Confluence simulator: CQL search', () => {
  it('finds the pages modified since a minute, oldest first, with their versions', async () => {
    const time = clock('2026-03-01T10:00:00Z');
    const sim = await startWiki({
      now: time.now,
      spaces: [
        { key: 'DEV', pages: 50 },
        { key: 'OPS', pages: 20, seed: 3 },
      ],
    });
    const [a, b, c] = sim.pages('DEV');
    time.set('2026-03-02T08:15:30Z');
    sim.editPage(b?.id ?? '');
    time.set('2026-03-02T08:14:05Z');
    sim.editPage(a?.id ?? '');
    time.set('2026-03-02T08:20:00Z');
    sim.editPage(c?.id ?? '');
    sim.editPage(sim.pages('OPS')[0]?.id ?? '');
    const query = cql(
      'space = "DEV" and type = page and lastmodified >= "2026-03-02 08:14" order by lastmodified',
    );
    const { status, body } = await call<ContentArray>(
      sim,
      `/wiki/rest/api/content/search?cql=${query}&expand=version`,
    );
    expect(status).toBe(200);
    expect(body.results.map((r) => r.id)).toEqual([a?.id, b?.id, c?.id]);
    expect(body.results.map((r) => r.version?.number)).toEqual([2, 2, 2]);
    expect(body).toMatchObject({
      start: 0,
      limit: 25,
      size: 3,
      _links: { base: `${sim.url}/wiki`, context: '/wiki' },
    });
    const later = cql('space = DEV and lastmodified > "2026-03-02 08:15"');
    expect(
      (await call<ContentArray>(sim, `/wiki/rest/api/content/search?cql=${later}`)).body.results.map(
        (r) => r.id,
      ),
    ).toEqual([c?.id]);
  });

  it('leaves trashed pages out of search and brings restored ones back', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 5 }] });
    const id = sim.pages()[0]?.id ?? '';
    sim.trashPage(id);
    const search = `/wiki/rest/api/content/search?cql=${cql('space = DEV and type = page')}`;
    expect((await call<ContentArray>(sim, search)).body.results.map((r) => r.id)).not.toContain(id);
    sim.restorePage(id);
    expect((await call<ContentArray>(sim, search)).body.results.map((r) => r.id)).toContain(id);
  });

  it('pages through results by start and by the cursor in _links.next', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 60 }] });
    const base = `/wiki/rest/api/content/search?cql=${cql('space = DEV order by lastmodified desc')}&limit=25`;
    const byStart: string[] = [];
    for (const start of [0, 25, 50]) {
      byStart.push(
        ...(await call<ContentArray>(sim, `${base}&start=${start}`)).body.results.map((r) => r.id),
      );
    }
    const byCursor: string[] = [];
    let next: string | undefined = base.replace('/wiki', '');
    while (next !== undefined) {
      const page: ContentArray = (await call<ContentArray>(sim, `/wiki${next}`)).body;
      byCursor.push(...page.results.map((r) => r.id));
      next = page._links.next;
      if (next !== undefined) expect(next).toMatch(/^\/rest\/api\/content\/search\?.*cursor=/);
    }
    expect(byStart).toHaveLength(60);
    expect(byCursor).toEqual(byStart);
  });

  it('answers /rest/api/search with search results around the content', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 30 }] });
    const query = 'space = DEV and type = page order by lastmodified';
    const { body } = await call<SearchPage>(sim, `/wiki/rest/api/search?cql=${cql(query)}&limit=10`);
    expect(body).toMatchObject({ totalSize: 30, size: 10, cqlQuery: query });
    expect(body.results[0]).toMatchObject({
      entityType: 'content',
      content: { type: 'page', status: 'current' },
    });
    expect(body._links.next).toMatch(/^\/rest\/api\/search\?/);
  });

  it("answers CQL it cannot read with Confluence's 400 naming the query", async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    for (const query of ['siteSearch ~ "deploy"', 'lastmodified > now("-1h")', 'space = ']) {
      const { status, body } = await call(sim, `/wiki/rest/api/content/search?cql=${cql(query)}`);
      expect(status).toBe(400);
      expect(body).toEqual({
        statusCode: 400,
        data: { authorized: false, valid: true, allowedInReadOnlyMode: true, errors: [], successful: false },
        message: `Could not parse cql : ${query}`,
        reason: 'Bad Request',
      });
    }
    expect((await call(sim, '/wiki/rest/api/content/search')).status).toBe(400);
  });

  it('expands the body, the space and the labels when asked', async () => {
    const sim = await startWiki();
    sim.seedSpace({ key: 'DEV', pages: 0 });
    const page = sim.createPage({ spaceKey: 'DEV', title: 'Runbook', body: '<p>steps</p>', labels: ['ops'] });
    const expand = 'body.storage,space,metadata.labels';
    const { body } = await call<{ results: Record<string, unknown>[] }>(
      sim,
      `/wiki/rest/api/content/search?cql=${cql(`id = ${page.id}`)}&expand=${expand}`,
    );
    expect(body.results[0]).toMatchObject({
      body: { storage: { value: '<p>steps</p>', representation: 'storage' } },
      space: { key: 'DEV' },
      metadata: { labels: { results: [{ prefix: 'global', name: 'ops', label: 'ops' }], size: 1 } },
    });
  });
});
