import { describe, expect, it } from 'vitest';
import { call, startWiki, type V2List } from './kit.js';

type Page = {
  id: string;
  status: string;
  title: string;
  spaceId: string;
  version: { number: number; createdAt: string; authorId: string; minorEdit: boolean };
  body: { storage?: { representation: string; value: string } };
  labels?: { results: { name: string; prefix: string }[] };
  _links: { webui: string; tinyui: string; base?: string };
};

describe('Confluence simulator: one page, through its life', () => {
  it('serves a page with its storage body, version and links', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 5 }] });
    const view = sim.pages('DEV')[1];
    const { status, body } = await call<Page>(sim, `/wiki/api/v2/pages/${view?.id}?body-format=storage`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: view?.id,
      status: 'current',
      title: view?.title,
      version: { number: 1, minorEdit: false },
      body: { storage: { representation: 'storage', value: view?.body } },
      _links: { base: `${sim.url}/wiki` },
    });
    expect(body._links.webui).toMatch(new RegExp(`^/spaces/DEV/pages/${view?.id}/`));
    expect(Date.parse(body.version.createdAt)).toBe(Date.parse(view?.lastModified ?? ''));
  });

  it('leaves the body out unless body-format=storage is asked, and refuses formats it does not hold', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    const id = sim.pages()[0]?.id;
    expect((await call<Page>(sim, `/wiki/api/v2/pages/${id}`)).body.body).toEqual({});
    expect((await call(sim, `/wiki/api/v2/pages/${id}?body-format=atlas_doc_format`)).status).toBe(400);
  });

  it('grows the version with each edit and moves its time forward', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 2 }] });
    const id = sim.pages()[0]?.id ?? '';
    const before = (await call<Page>(sim, `/wiki/api/v2/pages/${id}?body-format=storage`)).body;
    sim.editPage(id);
    sim.editPage(id, { title: 'Renamed', body: '<p>rewritten</p>' });
    const after = (await call<Page>(sim, `/wiki/api/v2/pages/${id}?body-format=storage`)).body;
    expect(after.version.number).toBe(3);
    expect(after).toMatchObject({ title: 'Renamed', body: { storage: { value: '<p>rewritten</p>' } } });
    expect(Date.parse(after.version.createdAt)).toBeGreaterThan(Date.parse(before.version.createdAt));
  });

  it('shows a trashed page with status trashed, and drops it from the space listing unless asked', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 4 }] });
    const [page] = sim.pages();
    const space = (await call<V2List<{ id: string }>>(sim, '/wiki/api/v2/spaces?keys=DEV')).body.results[0]
      ?.id;
    sim.trashPage(page?.id ?? '');
    const trashed = await call<Page>(sim, `/wiki/api/v2/pages/${page?.id}`);
    expect(trashed).toMatchObject({ status: 200, body: { status: 'trashed', version: { number: 1 } } });
    expect((await call(sim, `/wiki/api/v2/pages/${page?.id}?status=current`)).status).toBe(404);
    const listed = await call<V2List<Page>>(sim, `/wiki/api/v2/spaces/${space}/pages`);
    expect(listed.body.results.map((p) => p.id)).not.toContain(page?.id);
    const inTrash = await call<V2List<Page>>(sim, `/wiki/api/v2/spaces/${space}/pages?status=trashed`);
    expect(inTrash.body.results.map((p) => p.id)).toEqual([page?.id]);
    expect((await call(sim, `/wiki/rest/api/content/${page?.id}`)).status).toBe(404);
    expect((await call(sim, `/wiki/rest/api/content/${page?.id}?status=trashed`)).status).toBe(200);
  });

  it('serves a restored page as current again', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    const id = sim.pages()[0]?.id ?? '';
    sim.trashPage(id);
    sim.restorePage(id);
    expect((await call<Page>(sim, `/wiki/api/v2/pages/${id}`)).body.status).toBe('current');
  });

  it('answers a purged page with a bare 404 on v2 and a 404 on v1', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 2 }] });
    const id = sim.pages()[0]?.id ?? '';
    sim.trashPage(id);
    sim.purgePage(id);
    const v2 = await call(sim, `/wiki/api/v2/pages/${id}`);
    expect(v2).toMatchObject({
      status: 404,
      body: { errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] },
    });
    expect((await call(sim, `/wiki/api/v2/pages/${id}?status=trashed`)).status).toBe(404);
    const v1 = await call(sim, `/wiki/rest/api/content/${id}?status=trashed`);
    expect(v1).toMatchObject({ status: 404, body: { statusCode: 404 } });
    expect(sim.page(id)).toBeUndefined();
  });

  it('includes the labels when include-labels=true, and lists them on their own', async () => {
    const sim = await startWiki();
    sim.seedSpace({ key: 'DEV', pages: 0 });
    const page = sim.createPage({ spaceKey: 'DEV', title: 'T', body: '<p>b</p>', labels: ['zeta', 'alpha'] });
    const withLabels = await call<Page>(sim, `/wiki/api/v2/pages/${page.id}?include-labels=true`);
    expect(withLabels.body.labels?.results.map((l) => l.name)).toEqual(['alpha', 'zeta']);
    const listed = await call<V2List<{ name: string; prefix: string; id: string }>>(
      sim,
      `/wiki/api/v2/pages/${page.id}/labels?sort=name`,
    );
    expect(listed.body.results).toMatchObject([
      { name: 'alpha', prefix: 'global' },
      { name: 'zeta', prefix: 'global' },
    ]);
    const paged = await call<V2List>(sim, `/wiki/api/v2/pages/${page.id}/labels?limit=1`);
    expect(paged.body.results).toHaveLength(1);
    expect(paged.body._links.next).toBeDefined();
  });

  it('answers an id that is not a number with a 400 naming it', async () => {
    const sim = await startWiki();
    const { status, body } = await call(sim, '/wiki/api/v2/pages/abc');
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('{abc}');
  });
});
