import { describe, expect, it } from 'vitest';
import { call, jsonBody, startWiki } from './kit.js';

type LabelArray = { results: { prefix: string; name: string; id: string; label: string }[]; size: number };

async function wikiWithPage(labels: string[] = []) {
  const sim = await startWiki();
  sim.seedSpace({ key: 'DEV', pages: 0 });
  const page = sim.createPage({ spaceKey: 'DEV', title: 'Runbook', body: '<p>x</p>', labels });
  return { sim, id: page.id };
}

const add = (names: string[], prefix = 'global') => jsonBody(names.map((name) => ({ prefix, name })));

describe('Confluence simulator: labels written through v1', () => {
  it('adds labels lowercased, and answers with every label the page now has', async () => {
    const { sim, id } = await wikiWithPage(['ops']);
    const { status, body } = await call<LabelArray>(
      sim,
      `/wiki/rest/api/content/${id}/label`,
      add(['Kubernetes', 'on-call']),
    );
    expect(status).toBe(200);
    expect(body.results.map((l) => l.name)).toEqual(['kubernetes', 'on-call', 'ops']);
    expect(body.results[0]).toMatchObject({ prefix: 'global', label: 'kubernetes' });
    expect(body.size).toBe(3);
    expect(sim.page(id)?.labels).toEqual([
      { name: 'kubernetes', addedBy: 'api' },
      { name: 'on-call', addedBy: 'api' },
      { name: 'ops', addedBy: 'person' },
    ]);
  });

  it('splits a name with spaces into several labels', async () => {
    const { sim, id } = await wikiWithPage();
    await call(sim, `/wiki/rest/api/content/${id}/label`, add(['Incident Response']));
    expect(sim.page(id)?.labels.map((l) => l.name)).toEqual(['incident', 'response']);
  });

  it('treats a label the page already has as a no-op, whoever added it, and counts only the change', async () => {
    const { sim, id } = await wikiWithPage(['kubernetes']);
    const first = await call(
      sim,
      `/wiki/rest/api/content/${id}/label`,
      add(['KUBERNETES', 'kubernetes', 'helm']),
    );
    expect(first.status).toBe(200);
    expect(sim.page(id)?.labels).toEqual([
      { name: 'helm', addedBy: 'api' },
      { name: 'kubernetes', addedBy: 'person' },
    ]);
    expect(sim.stats({ pages: true })).toMatchObject({
      labelWrites: 1,
      labelsAdded: 1,
      pages: { [id]: { labelAdds: 1, labelsAdded: 1 } },
    });
  });

  it('removes a label by path and by ?name=, case-insensitively, with 204', async () => {
    const { sim, id } = await wikiWithPage(['alpha', 'beta']);
    expect((await call(sim, `/wiki/rest/api/content/${id}/label/ALPHA`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect(
      (await call(sim, `/wiki/rest/api/content/${id}/label?name=beta`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect(sim.page(id)?.labels).toEqual([]);
    expect(sim.stats()).toMatchObject({ labelWrites: 2, labelsRemoved: 2 });
  });

  it('answers the removal of a label the page does not have with 404 and changes nothing', async () => {
    const { sim, id } = await wikiWithPage(['alpha']);
    const { status, body } = await call(sim, `/wiki/rest/api/content/${id}/label/missing`, {
      method: 'DELETE',
    });
    expect(status).toBe(404);
    expect(body).toMatchObject({ statusCode: 404 });
    expect(sim.page(id)?.labels.map((l) => l.name)).toEqual(['alpha']);
    expect(sim.stats()).toMatchObject({ labelWrites: 1, labelsRemoved: 0, notFound: 1 });
  });

  it('refuses a label with a forbidden character with 400 and adds none of the batch', async () => {
    const { sim, id } = await wikiWithPage();
    const { status, body } = await call(sim, `/wiki/rest/api/content/${id}/label`, add(['fine', 'not:fine']));
    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, message: expect.stringContaining("':'") });
    expect(sim.page(id)?.labels).toEqual([]);
  });

  it('refuses an unknown prefix and a body that is not JSON', async () => {
    const { sim, id } = await wikiWithPage();
    expect((await call(sim, `/wiki/rest/api/content/${id}/label`, add(['x'], 'secret'))).status).toBe(400);
    const broken = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{' };
    expect((await call(sim, `/wiki/rest/api/content/${id}/label`, broken)).status).toBe(400);
  });

  it('answers a body not sent as application/json with 415, as a fetch of a bare string would send it', async () => {
    const { sim, id } = await wikiWithPage();
    const body = JSON.stringify([{ prefix: 'global', name: 'x' }]);
    const answer = await call(sim, `/wiki/rest/api/content/${id}/label`, { method: 'POST', body });
    expect(answer).toMatchObject({ status: 415, body: { statusCode: 415 } });
    expect(sim.page(id)?.labels).toEqual([]);
    const properties = await call(sim, `/wiki/api/v2/pages/${id}/properties`, {
      method: 'POST',
      body: '{"key":"k","value":1}',
    });
    expect(properties).toMatchObject({ status: 415, body: { errors: [{ status: 415 }] } });
  });

  it('answers label writes on a trashed or purged page with 404', async () => {
    const { sim, id } = await wikiWithPage(['alpha']);
    sim.trashPage(id);
    expect((await call(sim, `/wiki/rest/api/content/${id}/label`, add(['beta']))).status).toBe(404);
    expect((await call(sim, `/wiki/rest/api/content/${id}/label/alpha`, { method: 'DELETE' })).status).toBe(
      404,
    );
    sim.purgePage(id);
    expect((await call(sim, `/wiki/rest/api/content/${id}/label`, add(['beta']))).status).toBe(404);
  });

  it('adds no version and does not move the page in search', async () => {
    const { sim, id } = await wikiWithPage();
    const before = sim.page(id);
    await call(sim, `/wiki/rest/api/content/${id}/label`, add(['tagged']));
    expect(sim.page(id)).toMatchObject({ version: before?.version, lastModified: before?.lastModified });
  });

  it('lists the labels through v1 and v2 alike', async () => {
    const { sim, id } = await wikiWithPage(['b', 'a']);
    const v1 = await call<LabelArray>(sim, `/wiki/rest/api/content/${id}/label`);
    expect(v1.body.results.map((l) => l.name)).toEqual(['a', 'b']);
    const v2 = await call<{ results: { name: string }[] }>(sim, `/wiki/api/v2/pages/${id}/labels?sort=name`);
    expect(v2.body.results.map((l) => l.name)).toEqual(['a', 'b']);
  });

  it("keeps people's labels out of the write counts", async () => {
    const { sim, id } = await wikiWithPage();
    sim.addLabel(id, 'Reviewed');
    expect(sim.page(id)?.labels).toEqual([{ name: 'reviewed', addedBy: 'person' }]);
    expect(sim.stats()).toMatchObject({ labelWrites: 0, personLabels: 1, requests: 0 });
  });
});
