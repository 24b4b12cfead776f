import { describe, expect, it } from 'vitest';
import { call, startWiki, type V1List } from './kit.js';

type Json = Record<string, unknown>;

describe('Confluence simulator as Cloud: the v1 space and content reads', () => {
  it('serves spaces under /wiki with Cloud links, beside v2', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 2 }] });
    const spaces = await call<V1List>(sim, '/wiki/rest/api/space?spaceKey=DEV');
    expect(spaces.status).toBe(200);
    expect(spaces.body._links).toMatchObject({ base: `${sim.url}/wiki`, context: '/wiki' });
    expect(spaces.body.results).toMatchObject([
      { key: 'DEV', type: 'global', status: 'current', _links: { webui: '/spaces/DEV' } },
    ]);
    expect(typeof spaces.body.results[0]?.id).toBe('number');
    expect((await call(sim, '/wiki/rest/api/space/DEV')).body).toMatchObject({ key: 'DEV' });
    expect(await call(sim, '/wiki/rest/api/space/NOPE')).toMatchObject({
      status: 404,
      body: { statusCode: 404, message: 'No space with key : NOPE', data: { authorized: false } },
    });
    expect((await call(sim, '/wiki/api/v2/spaces?keys=DEV')).status).toBe(200);
    expect((await call(sim, '/confluence/rest/api/space')).status).toBe(404);
  });

  it('lists content by space, title and status, with Cloud people and links', async () => {
    const sim = await startWiki();
    sim.seedSpace({ key: 'DEV', pages: 0 });
    const kept = sim.createPage({ spaceKey: 'DEV', title: 'Kept', body: '<p>k</p>' });
    const binned = sim.createPage({ spaceKey: 'DEV', title: 'Binned', body: '<p>b</p>' });
    sim.trashPage(binned.id);
    const ids = async (query: string) =>
      (await call<V1List>(sim, `/wiki/rest/api/content?${query}`)).body.results.map((c) => c.id);
    expect(await ids('spaceKey=DEV')).toEqual([kept.id]);
    expect(await ids('spaceKey=DEV&status=any')).toEqual([kept.id, binned.id]);
    expect(await ids('spaceKey=DEV&status=trashed')).toEqual([binned.id]);
    expect(await ids('spaceKey=DEV&title=Kept')).toEqual([kept.id]);
    expect(await ids('spaceKey=OPS')).toEqual([]);
    expect(await ids('spaceKey=DEV&type=blogpost')).toEqual([]);
    const one = await call<Json>(sim, `/wiki/rest/api/content/${kept.id}?expand=version`);
    expect(one.body).toMatchObject({
      _links: { webui: `/spaces/DEV/pages/${kept.id}/Kept` },
      version: { by: { accountId: expect.any(String) } },
    });
  });

  it('clamps a limit above 250 and refuses a status or type it does not know', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 3 }] });
    const listed = await call<V1List>(sim, '/wiki/rest/api/content?limit=1000');
    expect(listed.body).toMatchObject({ start: 0, limit: 250, size: 3 });
    expect(listed.body._links.next).toBeUndefined();
    expect((await call(sim, '/wiki/rest/api/content?status=gone')).status).toBe(400);
    expect((await call(sim, '/wiki/rest/api/content?type=folder')).status).toBe(400);
    expect((await call(sim, '/wiki/rest/api/content?start=-1')).status).toBe(400);
  });

  it('gives a previous link past the first page and no next link on the last', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 3 }] });
    const last = await call<V1List>(sim, '/wiki/rest/api/content?limit=2&start=2');
    expect(last.body).toMatchObject({ start: 2, size: 1 });
    expect(last.body._links.next).toBeUndefined();
    expect(last.body._links.prev).toBe('/rest/api/content?limit=2&start=0');
  });
});
