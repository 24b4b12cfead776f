import { describe, expect, it } from 'vitest';
import type { CallGate, GateOutcome } from '../../src/confluence/call-gate.js';
import { ConfluenceApi } from '../../src/confluence/confluence-api.js';
import type { ConfluenceCredentials } from '../../src/confluence/confluence-credentials.js';
import { ConfluenceHttp } from '../../src/confluence/confluence-http.js';
import { TagspaceError } from '../../src/model/errors.js';

const root = 'https://acme.atlassian.net/wiki';
const basic: ConfluenceCredentials = {
  kind: 'basic',
  email: 'me@example.com',
  apiToken: 'ATATT3xFfGF0-secret-token-value',
};

type Answer = { status: number; body?: string; headers?: Record<string, string> } | Error;

/** A fetch that answers from a script, recording what was asked. */
function scripted(answers: Answer[]) {
  const calls: { url: string; method: string; headers: Headers; body?: string }[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: init?.body as string | undefined,
    });
    const next = answers.shift();
    if (next === undefined) throw new Error('script exhausted');
    if (next instanceof Error) throw next;
    const body = next.status === 204 ? null : (next.body ?? '');
    return new Response(body, { status: next.status, headers: next.headers });
  }) as typeof fetch;
  return { fetchFn, calls };
}

function recordingGate() {
  const outcomes: GateOutcome[] = [];
  const gate: CallGate = { admit: () => Promise.resolve({ done: (o) => void outcomes.push(o) }) };
  return { gate, outcomes };
}

function client(answers: Answer[], credentials: ConfluenceCredentials = basic, siteRoot = root) {
  const { fetchFn, calls } = scripted(answers);
  const { gate, outcomes } = recordingGate();
  const sleeps: number[] = [];
  const http = new ConfluenceHttp({
    root: siteRoot,
    credentials,
    retry: { baseDelayMs: 100, maxDelayMs: 1_000, maxRetries: 3, jitter: 0 },
    timeoutMs: 1_000,
    gate,
    fetch: fetchFn,
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    now: () => Date.parse('2026-05-04T10:20:30Z'),
  });
  return { http, api: new ConfluenceApi(http), calls, outcomes, sleeps };
}

const spaces = JSON.stringify({
  results: [{ id: '98306', key: 'DEV', name: 'Development' }],
  _links: { base: root },
});
// Cloud's answers to a wrong token: a bare 404 on v2, this 403 on v1 (reported on real sites).
const bare404 = { status: 404, body: '' };
const v1Anonymous403 = {
  status: 403,
  body: '{"message":"Current user not permitted to use Confluence","statusCode":403}',
};

async function failure(p: Promise<unknown>): Promise<TagspaceError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TagspaceError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('the Confluence HTTP client', () => {
  it('sends Basic auth for an email and API token, Bearer for a personal access token', async () => {
    const cloud = client([{ status: 200, body: spaces }]);
    await cloud.api.spaceByKey('DEV');
    expect(cloud.calls[0]?.headers.get('authorization')).toBe(
      `Basic ${Buffer.from('me@example.com:ATATT3xFfGF0-secret-token-value').toString('base64')}`,
    );
    expect(cloud.calls[0]?.url).toBe(`${root}/api/v2/spaces?keys=DEV`);
    const dc = client([{ status: 200, body: spaces }], { kind: 'bearer', token: 'pat-123' });
    await dc.api.spaceByKey('DEV');
    expect(dc.calls[0]?.headers.get('authorization')).toBe('Bearer pat-123');
  });

  it('waits out a 429 for at least its Retry-After, then succeeds, telling the gate both outcomes', async () => {
    const c = client([
      { status: 429, headers: { 'retry-after': '2', 'x-ratelimit-remaining': '0' } },
      { status: 200, body: spaces },
    ]);
    expect((await c.api.spaceByKey('DEV'))?.id).toBe('98306');
    expect(c.sleeps).toHaveLength(1);
    expect(c.sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(c.outcomes.map((o) => o.kind)).toEqual(['rate_limited', 'success']);
    expect(c.outcomes[0]).toMatchObject({ retryAfterMs: 2000 });
    expect(c.http.stats).toMatchObject({ requests: 2, rateLimited: 1, retries: 1 });
  });

  it('retries 5xx with backoff and gives up after its retries with an overloaded error', async () => {
    const c = client([{ status: 503 }, { status: 502 }, { status: 500 }, { status: 503 }]);
    const e = await failure(c.api.spaceByKey('DEV'));
    expect(e.kind).toBe('overloaded');
    expect(c.calls).toHaveLength(4);
    expect(c.sleeps).toEqual([100, 200, 400]);
  });

  it('reports Cloud’s bare 404 to a wrong token as the credentials, naming CONFLUENCE_API_TOKEN, without retrying', async () => {
    const c = client([bare404]);
    const e = await failure(c.api.verifyCredentials());
    expect(e.kind).toBe('auth');
    expect(e.setting).toBe('CONFLUENCE_API_TOKEN');
    expect(e.message).toMatch(/CONFLUENCE_API_TOKEN/);
    // One API call, and the site's cloud id asked for without credentials (scoped-token-hint.ts).
    expect(c.calls.map((call) => call.url)).toEqual([
      'https://acme.atlassian.net/wiki/api/v2/spaces?limit=1',
      'https://acme.atlassian.net/_edge/tenant_info',
    ]);
    expect(c.calls[1]?.headers.get('authorization')).toBeNull();
  });

  it('adds, off atlassian.net only, that a 404 to the probe may be a Data Center site read as Cloud', async () => {
    expect((await failure(client([bare404]).api.verifyCredentials())).message).not.toMatch(
      /CONFLUENCE_DEPLOYMENT/,
    );
    const e = await failure(client([bare404], basic, 'https://wiki.corp/wiki').api.verifyCredentials());
    expect(e).toMatchObject({ kind: 'auth', setting: 'CONFLUENCE_API_TOKEN', status: 404 });
    expect(e.message).toMatch(
      /check CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN.*; or, if https:\/\/wiki\.corp is a Confluence Data Center site, set CONFLUENCE_DEPLOYMENT=data-center/,
    );
  });

  it('reports v1’s 403 to an anonymous caller as the credentials too, and 401 always', async () => {
    expect(
      (
        await failure(
          client([v1Anonymous403]).http.get('/rest/api/content/search', { query: { cql: 'type=page' } }),
        )
      ).kind,
    ).toBe('auth');
    const bearer = client(
      [
        { status: 200, body: spaces },
        { status: 401, body: '{"code":401,"message":"Unauthorized"}' },
      ],
      { kind: 'bearer', token: 't' },
    );
    await bearer.api.spaceByKey('DEV');
    const e = await failure(bearer.api.spaceByKey('DEV'));
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/CONFLUENCE_TOKEN/);
  });

  it('once the credentials worked, reads 404 as a gone page and 403 as a forbidden one', async () => {
    const c = client([{ status: 200, body: spaces }, bare404, v1Anonymous403]);
    await c.api.spaceByKey('DEV');
    expect(await c.api.page('1001')).toBeUndefined();
    const e = await failure(c.api.addLabels('1002', ['kafka']));
    expect(e.kind).toBe('forbidden');
  });

  it('never puts the token, or the header that carries it, in an error', async () => {
    const c = client([bare404]);
    const e = await failure(c.api.verifyCredentials());
    const base64 = Buffer.from('me@example.com:ATATT3xFfGF0-secret-token-value').toString('base64');
    expect(e.message).not.toContain('ATATT3xFfGF0-secret-token-value');
    expect(e.message).not.toContain(base64);
    expect(JSON.stringify(e)).not.toContain('secret-token');
  });

  it('reports an unreachable site at once from the start-up probe', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const c = client([refused, refused, refused, refused]);
    const e = await failure(c.api.verifyCredentials());
    expect(e.kind).toBe('unavailable');
    expect(e.message).toMatch(/cannot reach Confluence at https:\/\/acme\.atlassian\.net: ECONNREFUSED/);
    expect(c.calls).toHaveLength(2);
  });

  it('stops at once on a port that fetch refuses, naming the port, without trying again', async () => {
    const blocked = Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') });
    const c = client([blocked, blocked], basic, 'http://127.0.0.1:9/wiki');
    const e = await failure(c.api.verifyCredentials());
    expect(e.kind).toBe('config');
    expect(e.retriable).toBe(false);
    expect(e.message).toBe(
      'cannot reach Confluence at http://127.0.0.1:9: fetch refuses port 9 (a blocked port); serve it on another',
    );
    expect(c.calls).toHaveLength(1);
  });

  it('adds labels with v1’s documented body and removes one by query parameter', async () => {
    const c = client([
      { status: 200, body: '{"results":[{"prefix":"global","name":"kafka","id":"1"}],"size":1}' },
      { status: 204 },
      { status: 404, body: '{"statusCode":404,"message":"label not found"}' },
    ]);
    await c.api.addLabels('1001', ['kafka', 'rxjs']);
    expect(c.calls[0]).toMatchObject({ method: 'POST', url: `${root}/rest/api/content/1001/label` });
    expect(JSON.parse(c.calls[0]?.body ?? '')).toEqual([
      { prefix: 'global', name: 'kafka' },
      { prefix: 'global', name: 'rxjs' },
    ]);
    expect(c.calls[0]?.headers.get('content-type')).toBe('application/json');
    await c.api.removeLabel('1001', 'old-topic');
    expect(c.calls[1]).toMatchObject({
      method: 'DELETE',
      url: `${root}/rest/api/content/1001/label?name=old-topic`,
    });
    // A label already gone is the goal reached.
    await expect(c.api.removeLabel('1001', 'old-topic')).resolves.toBeUndefined();
  });

  it('follows v2 pagination across requests by _links.next', async () => {
    const page = (id: string) => ({
      id,
      status: 'current',
      title: `P${id}`,
      spaceId: '98306',
      version: { number: 1 },
    });
    const c = client([
      {
        status: 200,
        body: JSON.stringify({
          results: [page('1'), page('2')],
          _links: { next: '/wiki/api/v2/spaces/98306/pages?cursor=c1&limit=2' },
        }),
      },
      { status: 200, body: JSON.stringify({ results: [page('3')], _links: {} }) },
    ]);
    const ids: string[] = [];
    for await (const batch of c.api.pagesInSpace('98306', { bodyFormat: 'storage', limit: 2 }))
      ids.push(...batch.map((p) => p.id));
    expect(ids).toEqual(['1', '2', '3']);
    expect(c.calls[0]?.url).toBe(`${root}/api/v2/spaces/98306/pages?limit=2&body-format=storage`);
    expect(c.calls[1]?.url).toBe(`${root}/api/v2/spaces/98306/pages?cursor=c1&limit=2`);
  });
});
