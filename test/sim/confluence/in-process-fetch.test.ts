import { describe, expect, it } from 'vitest';
import { createConfluenceSim } from '../../../src/sim/confluence/confluence-sim.js';
import { inProcessFetch } from '../../../src/sim/confluence/in-process-fetch.js';
import { basicAuth } from './kit.js';

describe('the in-process fetch', () => {
  it('answers a client from the simulator in the same process, links pointing at the given site', async () => {
    const sim = createConfluenceSim({ spaces: [{ key: 'DEV', pages: 30 }] });
    const fetchWiki = inProcessFetch(sim, 'http://wiki.test');
    const headers = { authorization: basicAuth() };
    const spaces = await fetchWiki('http://wiki.test/wiki/api/v2/spaces?keys=DEV', { headers });
    const space = ((await spaces.json()) as { results: { id: string }[] }).results[0];
    const pages = await fetchWiki(
      new URL(`http://wiki.test/wiki/api/v2/spaces/${space?.id}/pages?limit=10`),
      { headers },
    );
    expect(pages.status).toBe(200);
    expect(pages.headers.get('link')).toContain('<http://wiki.test/wiki>; rel="base"');
    const id = sim.pages()[0]?.id;
    const added = await fetchWiki(`http://wiki.test/wiki/rest/api/content/${id}/label`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify([{ prefix: 'global', name: 'Demo' }]),
    });
    expect(added.status).toBe(200);
    const removed = await fetchWiki(`http://wiki.test/wiki/rest/api/content/${id}/label/demo`, {
      method: 'DELETE',
      headers,
    });
    expect(removed.status).toBe(204);
    expect(sim.stats()).toMatchObject({ requests: 4, labelsAdded: 1, labelsRemoved: 1 });
    expect((await fetchWiki('http://wiki.test/elsewhere')).status).toBe(404);
  });
});
