import { describe, expect, it } from 'vitest';
import { call, jsonBody, startWiki, type V2List } from './kit.js';

type Property = {
  id: string;
  key: string;
  value: unknown;
  version: { number: number; message: string; createdAt: string };
};

async function wikiWithPage() {
  const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
  const id = sim.pages()[0]?.id ?? '';
  return { sim, base: `/wiki/api/v2/pages/${id}/properties`, id };
}

describe('Confluence simulator: page content properties', () => {
  it('creates a property at version 1 and reads it back by id and by key', async () => {
    const { sim, base, id } = await wikiWithPage();
    const created = await call<Property>(
      sim,
      base,
      jsonBody({ key: 'tagspace.labels', value: { owned: ['k8s'] } }),
    );
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      key: 'tagspace.labels',
      value: { owned: ['k8s'] },
      version: { number: 1 },
    });
    expect((await call<Property>(sim, `${base}/${created.body.id}`)).body).toEqual(created.body);
    const byKey = await call<V2List<Property>>(sim, `${base}?key=tagspace.labels`);
    expect(byKey.body.results).toEqual([created.body]);
    expect(sim.page(id)?.properties).toEqual({ 'tagspace.labels': { owned: ['k8s'] } });
  });

  it('updates a property only with the next version number, and answers a stale one with 409', async () => {
    const { sim, base } = await wikiWithPage();
    const { body: created } = await call<Property>(sim, base, jsonBody({ key: 'k', value: 1 }));
    const update = (number: number, value: unknown) =>
      call<Property>(
        sim,
        `${base}/${created.id}`,
        jsonBody({ key: 'k', value, version: { number, message: 'm' } }, 'PUT'),
      );
    const ok = await update(2, 2);
    expect(ok).toMatchObject({ status: 200, body: { value: 2, version: { number: 2, message: 'm' } } });
    const stale = await update(2, 3);
    expect(stale).toMatchObject({ status: 409, body: { errors: [{ status: 409, code: 'CONFLICT' }] } });
    expect((await update(4, 3)).status).toBe(409);
    expect((await call<Property>(sim, `${base}/${created.id}`)).body.value).toBe(2);
  });

  it('refuses a second property with the same key, a missing key and a changed key', async () => {
    const { sim, base } = await wikiWithPage();
    const { body: created } = await call<Property>(sim, base, jsonBody({ key: 'k', value: true }));
    expect((await call(sim, base, jsonBody({ key: 'k', value: false }))).status).toBe(400);
    expect((await call(sim, base, jsonBody({ value: false }))).status).toBe(400);
    const renamed = jsonBody({ key: 'other', value: 1, version: { number: 2 } }, 'PUT');
    expect((await call(sim, `${base}/${created.id}`, renamed)).status).toBe(400);
  });

  it('deletes a property with 204, after which it is a 404', async () => {
    const { sim, base } = await wikiWithPage();
    const { body: created } = await call<Property>(sim, base, jsonBody({ key: 'k', value: 'v' }));
    expect((await call(sim, `${base}/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(sim, `${base}/${created.id}`)).status).toBe(404);
    expect((await call<V2List>(sim, base)).body.results).toEqual([]);
  });

  it('keeps properties across page edits, and answers a purged page with 404', async () => {
    const { sim, base, id } = await wikiWithPage();
    await call(sim, base, jsonBody({ key: 'k', value: 'v' }));
    sim.editPage(id);
    expect((await call<V2List>(sim, base)).body.results).toHaveLength(1);
    sim.purgePage(id);
    expect((await call(sim, base)).status).toBe(404);
    expect((await call(sim, base, jsonBody({ key: 'x', value: 1 }))).status).toBe(404);
  });
});
