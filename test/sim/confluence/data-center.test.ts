import { describe, expect, it } from 'vitest';
import { PAT, call, cql, jsonBody, startWiki, type V1List } from './kit.js';

type Space = { id: number; key: string; name: string; type: string; _links: Record<string, string> };
type Content = { id: string; status: string; version?: { number: number }; _links: Record<string, string> };

const dataCenter = (contextPath: string, spaces = [{ key: 'DEV', pages: 5 }]) => ({
  config: { deployment: 'data-center', contextPath },
  spaces,
});

describe.each(['/confluence', ''])('Confluence simulator as Data Center at context path %j', (ctx) => {
  it('lists spaces with numeric ids and Data Center links, filtered by repeated or comma-separated keys', async () => {
    const sim = await startWiki(
      dataCenter(ctx, [
        { key: 'OPS', pages: 1 },
        { key: 'DEV', pages: 1 },
        { key: 'ENG', pages: 1 },
      ]),
    );
    const all = await call<V1List<Space>>(sim, `${ctx}/rest/api/space`, { auth: PAT });
    expect(all.status).toBe(200);
    expect(all.body.results.map((s) => s.key)).toEqual(['DEV', 'ENG', 'OPS']);
    expect(all.body).toMatchObject({ start: 0, limit: 25, size: 3 });
    expect(all.body._links).toEqual({
      base: `${sim.url}${ctx}`,
      context: ctx,
      self: `${sim.url}${ctx}/rest/api/space`,
    });
    const dev = all.body.results[0];
    expect(dev).toMatchObject({ key: 'DEV', type: 'global', _links: { webui: '/display/DEV' } });
    expect(typeof dev?.id).toBe('number');
    const some = await call<V1List<Space>>(sim, `${ctx}/rest/api/space?spaceKey=OPS&spaceKey=ENG,DEV`, {
      auth: PAT,
    });
    expect(some.body.results.map((s) => s.key)).toEqual(['DEV', 'ENG', 'OPS']);
    const one = await call<Space>(sim, `${ctx}/rest/api/space/ENG`, { auth: PAT });
    expect(one.body).toMatchObject({ key: 'ENG', _links: { self: `${sim.url}${ctx}/rest/api/space/ENG` } });
  });

  it("answers an unknown space key with Data Center's v1 404", async () => {
    const sim = await startWiki(dataCenter(ctx));
    expect(await call(sim, `${ctx}/rest/api/space/NOPE`, { auth: PAT })).toMatchObject({
      status: 404,
      body: {
        statusCode: 404,
        data: { authorized: true, valid: true, errors: [], successful: false },
        message: 'No space with key : NOPE',
        reason: 'Not Found',
      },
    });
  });

  it("pages through a space's content by following _links.next resolved against _links.base", async () => {
    const sim = await startWiki(
      dataCenter(ctx, [
        { key: 'DEV', pages: 5 },
        { key: 'OPS', pages: 2 },
      ]),
    );
    let url: string | undefined =
      `${sim.url}${ctx}/rest/api/content?spaceKey=DEV&type=page&limit=2&expand=version`;
    const seen: string[] = [];
    const nexts: string[] = [];
    while (url !== undefined) {
      const page: V1List<Content> = (
        await call<V1List<Content>>(sim, url.slice(sim.url.length), { auth: PAT })
      ).body;
      expect(page.results.every((c) => c.version?.number === 1)).toBe(true);
      seen.push(...page.results.map((c) => c.id));
      if (page._links.next !== undefined) nexts.push(page._links.next);
      url = page._links.next === undefined ? undefined : `${page._links.base}${page._links.next}`;
    }
    expect(nexts[0]).toBe('/rest/api/content?spaceKey=DEV&type=page&limit=2&expand=version&start=2');
    expect(nexts).toHaveLength(2);
    expect(seen).toEqual(sim.pages('DEV').map((p) => p.id));
  });

  it('serves label writes, label reads and CQL search under the context path', async () => {
    const sim = await startWiki(dataCenter(ctx));
    const id = sim.pages('DEV')[0]?.id ?? '';
    const labels = `${ctx}/rest/api/content/${id}/label`;
    expect(
      (await call(sim, labels, { ...jsonBody([{ prefix: 'global', name: 'dc-tag' }]), auth: PAT })).status,
    ).toBe(200);
    const listed = await call<V1List<{ name: string }>>(sim, labels, { auth: PAT });
    expect(listed.body.results.map((l) => l.name)).toContain('dc-tag');
    expect(listed.body._links.context).toBe(ctx);
    const found = await call<V1List<Content>>(
      sim,
      `${ctx}/rest/api/content/search?cql=${cql('label = "dc-tag"')}`,
      { auth: PAT },
    );
    expect(found.body.results.map((c) => c.id)).toEqual([id]);
    expect(found.body._links).toMatchObject({ base: `${sim.url}${ctx}`, context: ctx });
    expect((await call(sim, `${labels}/dc-tag`, { method: 'DELETE', auth: PAT })).status).toBe(204);
    expect(sim.page(id)?.labels.map((l) => l.name)).not.toContain('dc-tag');
    expect(sim.stats().labelWrites).toBe(2);
  });

  it('has no v2 API and nothing under /wiki', async () => {
    const sim = await startWiki(dataCenter(ctx));
    const v2 = await call(sim, `${ctx}/api/v2/spaces`, { auth: PAT });
    expect(v2).toMatchObject({ status: 404, body: { statusCode: 404, reason: 'Not Found' } });
    expect((await call(sim, '/wiki/api/v2/spaces', { auth: PAT })).status).toBe(404);
    expect((await call(sim, '/wiki/rest/api/space', { auth: PAT })).status).toBe(404);
    expect(sim.stats().byRoute.unknown).toBe(1);
  });
});
