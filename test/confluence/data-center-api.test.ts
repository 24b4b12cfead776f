import { describe, expect, it } from 'vitest';
import { ConfluenceHttp } from '../../src/confluence/confluence-http.js';
import { DataCenterApi } from '../../src/confluence/data-center-api.js';
import { findSpace } from '../../src/confluence/crawl-space.js';
import { createConfluenceSim } from '../../src/sim/confluence/confluence-sim.js';
import { inProcessFetch } from '../../src/sim/confluence/in-process-fetch.js';

const SITE = 'http://wiki.corp';
const PAT = 'dc-token';

function dataCenter(
  spaces = [{ key: 'OPS', name: 'Operations', pages: 7, seed: 2 }],
  root = `${SITE}/confluence`,
) {
  const sim = createConfluenceSim({
    config: { deployment: 'data-center', contextPath: '/confluence', personalAccessTokens: [PAT] },
    spaces,
  });
  const http = new ConfluenceHttp({
    root,
    credentials: { kind: 'bearer', token: PAT },
    retry: { baseDelayMs: 1, maxDelayMs: 1, maxRetries: 0, jitter: 0 },
    timeoutMs: 1_000,
    fetch: inProcessFetch(sim, SITE),
  });
  return { sim, api: new DataCenterApi(http) };
}

async function all<T>(batches: AsyncIterable<T[]>): Promise<{ items: T[]; requests: number }> {
  const items: T[] = [];
  let requests = 0;
  for await (const batch of batches) {
    items.push(...batch);
    requests++;
  }
  return { items, requests };
}

describe('DataCenterApi', () => {
  it('finds a space by key, with its key standing in for its id, and none for an unknown key', async () => {
    const { api } = dataCenter();
    await api.verifyCredentials();
    expect(await api.spaceByKey('OPS')).toEqual({ id: 'OPS', key: 'OPS', name: expect.any(String) });
    expect(await api.spaceById('OPS')).toMatchObject({ key: 'OPS' });
    expect(await api.spaceByKey('NOPE')).toBeUndefined();
  });

  it('says a base URL without its context path is the URL’s fault, not the token’s', async () => {
    const { api } = dataCenter(undefined, SITE);
    await expect(api.verifyCredentials()).rejects.toMatchObject({
      kind: 'config',
      setting: 'CONFLUENCE_URL',
      message: expect.stringMatching(
        /^invalid CONFLUENCE_URL: no Confluence Data Center REST API at http:\/\/wiki\.corp \(HTTP 404 on GET \/rest\/api\/space\); give the site's base URL with its context path/,
      ),
    });
  });

  it('suggests the space a --space in the wrong case meant, from the v1 space listing', async () => {
    const { api } = dataCenter();
    // As ingest does: until a call has succeeded, a 404 reads as refused credentials.
    await api.verifyCredentials();
    await expect(findSpace(api, 'ops')).rejects.toThrow(/did you mean OPS \(Operations\)/);
  });

  it('lists a space’s pages across start-offset pages, bodies included, and its trash apart', async () => {
    const { sim, api } = dataCenter();
    const ids = sim.pages('OPS').map((p) => p.id);
    sim.trashPage(ids[0] as string);
    const current = await all(
      api.pagesInSpace('OPS', { status: 'current', bodyFormat: 'storage', limit: 3 }),
    );
    expect(current.requests).toBe(2);
    expect(current.items.map((p) => p.id).sort()).toEqual(ids.slice(1).sort());
    for (const p of current.items) {
      expect(p).toMatchObject({ spaceId: 'OPS', status: 'current', version: { number: 1 } });
      expect(p.body?.storage?.value).toBe(sim.page(p.id)?.body);
    }
    const trash = await all(api.pagesInSpace('OPS', { status: 'trashed' }));
    expect(trash.items.map((p) => p.id)).toEqual([ids[0]]);
    expect(trash.items[0]?.body).toBeUndefined();
  });

  it('reads a page in any status with its labels, and none once it is purged', async () => {
    const { sim, api } = dataCenter();
    const [id] = sim.pages('OPS').map((p) => p.id) as [string];
    sim.addLabel(id, 'reviewed');
    sim.editPage(id);
    const page = await api.page(id);
    expect(page).toMatchObject({ id, status: 'current', spaceId: 'OPS', version: { number: 2 } });
    expect(page?.labels?.results?.map((l) => l.name)).toContain('reviewed');
    expect(page?.version?.createdAt).toMatch(/Z$/);
    sim.trashPage(id);
    const trashed = await api.page(id, undefined, { body: false });
    expect(trashed?.status).toBe('trashed');
    expect(trashed?.body).toBeUndefined();
    sim.purgePage(id);
    expect(await api.page(id)).toBeUndefined();
  });

  it('reads every label of a page whose labels do not fit in the page read’s expansion', async () => {
    const { sim, api } = dataCenter();
    const [id] = sim.pages('OPS').map((p) => p.id) as [string];
    for (let i = 0; i < 205; i++) sim.addLabel(id, `l${i}`);
    const page = await api.page(id);
    expect(page?.labels?.results?.filter((l) => /^l\d+$/.test(l.name))).toHaveLength(205);
  });
});
