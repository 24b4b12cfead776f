import { describe, expect, it } from 'vitest';
import { PAT, basicAuth, call, jsonBody, startWiki, type V1List } from './kit.js';

type Json = Record<string, unknown>;
const DC = { deployment: 'data-center', contextPath: '/confluence' };
const API = '/confluence/rest/api';

async function dcWiki(config: Json = {}) {
  const sim = await startWiki({ config: { ...DC, ...config } });
  sim.seedSpace({ key: 'DEV', pages: 0, name: 'Development' });
  const page = sim.createPage({
    spaceKey: 'DEV',
    title: 'Release notes',
    body: '<p>v1</p>',
    labels: ['beta', 'alpha'],
  });
  return { sim, id: page.id };
}

describe('Confluence simulator as Data Center: content, labels and who may call', () => {
  it('answers a trashed page only when status asks for it, and a purged page never', async () => {
    const { sim, id } = await dcWiki();
    sim.trashPage(id);
    expect((await call(sim, `${API}/content/${id}`, { auth: PAT })).status).toBe(404);
    for (const status of ['any', 'trashed', 'current,trashed']) {
      const answer = await call<Json>(sim, `${API}/content/${id}?status=${status}`, { auth: PAT });
      expect(answer).toMatchObject({ status: 200, body: { id, status: 'trashed' } });
    }
    const listed = await call<V1List>(sim, `${API}/content?spaceKey=DEV&status=any`, { auth: PAT });
    expect(listed.body.results.map((c) => c.id)).toEqual([id]);
    expect((await call<V1List>(sim, `${API}/content?spaceKey=DEV`, { auth: PAT })).body.results).toEqual([]);
    sim.purgePage(id);
    expect(await call(sim, `${API}/content/${id}?status=any`, { auth: PAT })).toMatchObject({
      status: 404,
      body: { statusCode: 404, data: { authorized: true } },
    });
  });

  it('adds space, version, body and labels only when expand names them, listing the rest as expandable', async () => {
    const { sim, id } = await dcWiki();
    const bare = (await call<Json>(sim, `${API}/content/${id}`, { auth: PAT })).body;
    for (const key of ['space', 'version', 'body', 'metadata']) expect(bare).not.toHaveProperty(key);
    expect(Object.keys(bare._expandable as Json)).toEqual(
      expect.arrayContaining(['space', 'version', 'body', 'metadata']),
    );
    expect(bare._links).toMatchObject({
      webui: '/display/DEV/Release+notes',
      self: `${sim.url}/confluence/rest/api/content/${id}`,
    });
    const expand = 'space,version,body.storage,metadata.labels';
    const full = (await call<Json>(sim, `${API}/content/${id}?expand=${expand}`, { auth: PAT })).body;
    expect(full).toMatchObject({
      id,
      type: 'page',
      status: 'current',
      title: 'Release notes',
      space: { key: 'DEV', name: 'Development', type: 'global' },
      version: { number: 1, minorEdit: false, message: '', by: { type: 'known', username: 'editor' } },
      body: { storage: { value: '<p>v1</p>', representation: 'storage' } },
      metadata: { labels: { results: [{ name: 'alpha' }, { name: 'beta' }], start: 0, limit: 200, size: 2 } },
    });
    expect(typeof (full.space as Json).id).toBe('number');
    expect((full.version as Json).when).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(full._expandable).not.toHaveProperty('space');
  });

  it("lists a page's labels by prefix and in pages, and answers an unknown page with 404", async () => {
    const { sim, id } = await dcWiki();
    const all = await call<V1List>(sim, `${API}/content/${id}/label`, { auth: PAT });
    expect(all.body.results).toEqual([
      { prefix: 'global', name: 'alpha', id: expect.any(String), label: 'alpha' },
      { prefix: 'global', name: 'beta', id: expect.any(String), label: 'beta' },
    ]);
    const first = await call<V1List>(sim, `${API}/content/${id}/label?limit=1`, { auth: PAT });
    expect(first.body).toMatchObject({
      size: 1,
      limit: 1,
      _links: { next: `/rest/api/content/${id}/label?limit=1&start=1` },
    });
    const none = await call<V1List>(sim, `${API}/content/${id}/label?prefix=my`, { auth: PAT });
    expect(none.body.results).toEqual([]);
    expect((await call(sim, `${API}/content/1/label`, { auth: PAT })).status).toBe(404);
  });

  it('refuses a wrong or missing token with a v1 401, and takes Basic username:password as Data Center does', async () => {
    const { sim } = await dcWiki();
    const wrong = await call(sim, `${API}/space`, { auth: 'Bearer not-the-token' });
    expect(wrong).toMatchObject({
      status: 401,
      body: { statusCode: 401, data: { authorized: false }, reason: 'Unauthorized' },
    });
    expect(wrong.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    expect((await call(sim, `${API}/space`, { auth: null })).status).toBe(401);
    const badBasic = await call<Json>(sim, `${API}/space`, {
      auth: basicAuth('tagspace@example.com', 'nope'),
    });
    expect(badBasic.body.message).toBe('Basic Authentication Failure - Reason : AUTHENTICATED_FAILED');
    expect((await call(sim, `${API}/space`)).status).toBe(200);
    expect(sim.stats().authFailures).toBe(3);
  });

  it('counts the new reads by route and holds them to the rate limit', async () => {
    const { sim, id } = await dcWiki({ rateLimit: { requests: 5, windowMs: 60_000 } });
    for (const path of ['/space', '/space/DEV', '/content', `/content/${id}`, `/content/${id}/label`]) {
      expect((await call(sim, `${API}${path}`, { auth: PAT })).status).toBe(200);
    }
    const limited = await call(sim, `${API}/content`, { auth: PAT });
    expect(limited).toMatchObject({ status: 429, body: { statusCode: 429 } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sim.stats().byRoute).toEqual({
      'space-list': 1,
      space: 1,
      'content-list': 2,
      content: 1,
      'content-labels': 1,
    });
  });

  it('switches from Cloud to Data Center through the control API on the next request', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    expect((await call(sim, `${API}/space`, { auth: PAT })).status).toBe(404);
    const answer = await call<{ config: Json }>(sim, '/_confluence/config', {
      ...jsonBody({ deployment: 'data-center' }),
      auth: null,
    });
    expect(answer.body.config).toMatchObject({ deployment: 'data-center', contextPath: '/confluence' });
    expect(sim.wikiUrl).toBe(`${sim.url}/confluence`);
    expect((await call(sim, `${API}/space`, { auth: PAT })).status).toBe(200);
    expect((await call(sim, '/wiki/api/v2/spaces', { auth: PAT })).status).toBe(404);
  });
});
