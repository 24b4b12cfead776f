import { describe, expect, it } from 'vitest';
import type { PageView } from '../../../src/sim/confluence/page-view.js';
import { call, jsonBody, startWiki } from './kit.js';

const control = (body: unknown, method = 'POST') => ({ ...jsonBody(body, method), auth: null });

describe('Confluence simulator: the control API', () => {
  it('answers /_confluence/healthz', async () => {
    const sim = await startWiki();
    expect(await call(sim, '/_confluence/healthz', { auth: null })).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('seeds a space from the generator, the same pages for the same seed', async () => {
    const a = await startWiki();
    const b = await startWiki();
    const seeded = await call<{ id: string; key: string; pageIds: string[] }>(
      a,
      '/_confluence/spaces',
      control({ key: 'DEV', pages: 40, seed: 3 }),
    );
    expect(seeded.status).toBe(200);
    expect(seeded.body.pageIds).toHaveLength(40);
    b.seedSpace({ key: 'DEV', pages: 40, seed: 3 });
    expect(a.pages('DEV').map((p) => [p.id, p.title, p.body])).toEqual(
      b.pages('DEV').map((p) => [p.id, p.title, p.body]),
    );
    expect((await call(a, '/_confluence/spaces', control({ key: 'DEV', pages: 1 }))).status).toBe(409);
  });

  it('gives a second space seeded with the same seed ids of its own', async () => {
    const sim = await startWiki();
    sim.seedSpace({ key: 'DEV', pages: 20, seed: 1 });
    sim.seedSpace({ key: 'OPS', pages: 20, seed: 1 });
    expect(new Set(sim.pages().map((p) => p.id)).size).toBe(40);
  });

  it('edits, trashes, restores and purges pages as a person would', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 3 }] });
    const id = sim.pages()[0]?.id ?? '';
    const edited = await call<PageView>(sim, `/_confluence/pages/${id}/edit`, control({ message: 'tidy' }));
    expect(edited.body).toMatchObject({ id, version: 2, status: 'current' });
    expect(edited.body.body).not.toBe(sim.pages()[1]?.body);
    const titled = await call<PageView>(
      sim,
      `/_confluence/pages/${id}/edit`,
      control({ title: 'New title' }),
    );
    expect(titled.body).toMatchObject({ title: 'New title', version: 3 });
    expect((await call<PageView>(sim, `/_confluence/pages/${id}/trash`, control({}))).body.status).toBe(
      'trashed',
    );
    expect((await call(sim, `/_confluence/pages/${id}/edit`, control({}))).status).toBe(400);
    expect((await call<PageView>(sim, `/_confluence/pages/${id}/restore`, control({}))).body.status).toBe(
      'current',
    );
    expect((await call(sim, `/_confluence/pages/${id}/purge`, control({}))).body).toEqual({ purged: id });
    expect((await call(sim, `/_confluence/pages/${id}`, { auth: null })).status).toBe(404);
  });

  it('makes random content edits of distinct pages, reproducible by seed', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 30 }] });
    const edits = await call<PageView[]>(sim, '/_confluence/edits', control({ count: 20, seed: 9 }));
    expect(edits.body).toHaveLength(20);
    expect(new Set(edits.body.map((p) => p.id)).size).toBe(20);
    expect(edits.body.every((p) => p.version === 2)).toBe(true);
    expect((await call(sim, '/_confluence/edits', control({ count: 31, seed: 9 }))).status).toBe(400);
  });

  it('adds and removes labels as a person, apart from the API writes', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    const id = sim.pages()[0]?.id ?? '';
    expect(
      (await call(sim, `/_confluence/pages/${id}/labels`, control({ name: 'Needs Review' }))).body,
    ).toEqual({
      added: ['needs', 'review'],
    });
    expect(
      (await call(sim, `/_confluence/pages/${id}/labels/needs`, { method: 'DELETE', auth: null })).body,
    ).toEqual({ removed: true });
    expect(sim.page(id)?.labels).toEqual([{ name: 'review', addedBy: 'person' }]);
    expect(sim.stats()).toMatchObject({ personLabels: 2, labelWrites: 0 });
  });

  it('creates a page in a space and refuses one in a space that does not exist', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    const created = await call<PageView>(
      sim,
      '/_confluence/pages',
      control({ spaceKey: 'DEV', title: 'Hello', body: '<p>hi</p>' }),
    );
    expect(created.body).toMatchObject({ spaceKey: 'DEV', title: 'Hello', version: 1, status: 'current' });
    expect(
      (await call(sim, '/_confluence/pages', control({ spaceKey: 'NOPE', title: 'x', body: 'y' }))).status,
    ).toBe(404);
    expect((await call(sim, '/_confluence/pages', control({ spaceKey: 'DEV' }))).status).toBe(400);
  });

  it('serves and resets its stats, per page when asked', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 2 }] });
    const id = sim.pages()[0]?.id ?? '';
    await call(sim, `/wiki/api/v2/pages/${id}`);
    await call(sim, '/wiki/api/v2/nothing-here');
    const stats = await call<Record<string, unknown>>(sim, '/_confluence/stats?pages=1', { auth: null });
    expect(stats.body).toMatchObject({
      requests: 2,
      byRoute: { page: 1, unknown: 1 },
      notFound: 1,
      pages: { [id]: { reads: 1 } },
    });
    expect((await call(sim, '/_confluence/stats', { auth: null })).body).not.toHaveProperty('pages');
    expect((await call(sim, '/_confluence/stats/reset', control({}))).status).toBe(200);
    expect(sim.stats()).toMatchObject({ requests: 0, byRoute: {} });
  });

  it('refuses a bad config patch with 400 naming the field, and keeps the config', async () => {
    const sim = await startWiki();
    const bad = await call<{ error: { message: string; setting: string } }>(
      sim,
      '/_confluence/config',
      control({ authFailure: 'maybe' }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.setting).toBe('confluence.authFailure');
    expect(
      (await call(sim, '/_confluence/config', control({ rateLimit: { requests: 5, burst: 9 } }))).status,
    ).toBe(400);
    expect(sim.config().authFailure).toBe('anonymous');
    expect((await call(sim, '/_confluence/nothing', { auth: null })).status).toBe(404);
  });
});
