import { describe, expect, it } from 'vitest';
import { basicAuth, call, cql, startWiki } from './kit.js';

const V2 = '/wiki/api/v2/spaces?keys=DEV';
const V1 = `/wiki/rest/api/content/search?cql=${cql('space = DEV')}`;

describe('Confluence simulator: who may call it', () => {
  it('serves a configured email and API token over Basic auth, the email in any case', async () => {
    const sim = await startWiki({
      config: { users: [{ email: 'Ana@Example.com', apiToken: 'tok-1' }] },
      spaces: [{ key: 'DEV', pages: 1 }],
    });
    expect((await call(sim, V2, { auth: basicAuth('ana@example.com', 'tok-1') })).status).toBe(200);
    expect((await call(sim, V1, { auth: basicAuth('Ana@Example.com', 'tok-1') })).status).toBe(200);
  });

  it('serves a Data Center personal access token sent as Bearer', async () => {
    const sim = await startWiki({
      config: { personalAccessTokens: ['pat-123'] },
      spaces: [{ key: 'DEV', pages: 1 }],
    });
    expect((await call(sim, V2, { auth: 'Bearer pat-123' })).status).toBe(200);
    expect((await call(sim, V1, { auth: 'Bearer pat-123' })).status).toBe(200);
  });

  it('answers a wrong API token as Cloud answers an anonymous caller: bare 404 on v2, 403 on v1', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    const wrong = basicAuth('tagspace@example.com', 'not-the-token');
    const v2 = await call(sim, V2, { auth: wrong });
    expect(v2).toMatchObject({
      status: 404,
      body: { errors: [{ status: 404, code: 'NOT_FOUND', detail: null }] },
    });
    const v1 = await call(sim, V1, { auth: wrong });
    expect(v1).toMatchObject({
      status: 403,
      body: { message: 'Current user not permitted to use Confluence', statusCode: 403 },
    });
    expect(JSON.stringify([v2.body, v1.body])).not.toContain('not-the-token');
  });

  it('answers a request with no credentials the same way', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    expect((await call(sim, V2, { auth: null })).status).toBe(404);
    expect((await call(sim, V1, { auth: null })).status).toBe(403);
  });

  it('answers a wrong token with 401 everywhere in the unauthorized mode, but an anonymous call still as anonymous', async () => {
    const sim = await startWiki({
      config: { authFailure: 'unauthorized' },
      spaces: [{ key: 'DEV', pages: 1 }],
    });
    const wrong = basicAuth('tagspace@example.com', 'nope');
    expect(await call(sim, V2, { auth: wrong })).toMatchObject({
      status: 401,
      body: { code: 401, message: 'Unauthorized' },
    });
    expect((await call(sim, V1, { auth: wrong })).status).toBe(401);
    expect((await call(sim, V2, { auth: null })).status).toBe(404);
  });

  it('answers a wrong Bearer token with 401, and an unknown scheme as a wrong credential', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    expect((await call(sim, V2, { auth: 'Bearer wrong' })).status).toBe(401);
    expect((await call(sim, V1, { auth: 'Bearer wrong' })).status).toBe(401);
    expect((await call(sim, V2, { auth: 'Token abc' })).status).toBe(404);
  });

  it('refuses label writes from a caller it does not know, and writes nothing', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    const id = sim.pages()[0]?.id ?? '';
    const before = sim.page(id)?.labels;
    const answer = await call(sim, `/wiki/rest/api/content/${id}/label`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ prefix: 'global', name: 'sneaky' }]),
      auth: basicAuth('tagspace@example.com', 'wrong'),
    });
    expect(answer.status).toBe(403);
    expect(sim.page(id)?.labels).toEqual(before);
    expect(sim.stats()).toMatchObject({ authFailures: 1, labelWrites: 0, labelsAdded: 0 });
  });

  it('takes new credentials through the control API and never shows a token back', async () => {
    const sim = await startWiki({ spaces: [{ key: 'DEV', pages: 1 }] });
    const patch = { users: [{ email: 'bot@example.com', apiToken: 'secret-token-9' }] };
    const answer = await call<{ config: unknown }>(sim, '/_confluence/config', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
      auth: null,
    });
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).not.toContain('secret-token-9');
    expect(answer.body.config).toMatchObject({ users: [{ email: 'bot@example.com', apiToken: '[set]' }] });
    expect((await call(sim, V2, { auth: basicAuth('bot@example.com', 'secret-token-9') })).status).toBe(200);
    expect((await call(sim, V2)).status).toBe(404);
  });
});
