import { describe, expect, it } from 'vitest';
import { ConfluenceApi } from '../../src/confluence/confluence-api.js';
import { ConfluenceHttp } from '../../src/confluence/confluence-http.js';
import { crawlSpace } from '../../src/confluence/crawl-space.js';
import { scopedTokenHint } from '../../src/confluence/scoped-token-hint.js';
import { syncPageLabels } from '../../src/confluence/label-writer.js';
import { wikiRoot } from '../../src/confluence/wiki-root.js';
import type { PageEvent } from '../../src/model/page-event.js';
import { DEFAULT_CLOUD_ID } from '../../src/sim/confluence/confluence-config.js';
import { createConfluenceSim } from '../../src/sim/confluence/confluence-sim.js';
import { inProcessFetch } from '../../src/sim/confluence/in-process-fetch.js';
import { SITE } from './sim-client.js';

const SERVICE = { email: 'tagspace-bot@serviceaccount.atlassian.com', apiToken: 'scoped-token-0123' };

/** A site whose one user is a service account, whose API token has scopes. */
function siteWithScopedToken() {
  const sim = createConfluenceSim({ config: { users: [{ ...SERVICE, scoped: true }] } });
  const seeded = sim.seedSpace({ key: 'OPS', pages: 300, seed: 3 });
  return { sim, seeded };
}

function api(sim: ReturnType<typeof createConfluenceSim>, url: string): ConfluenceApi {
  return new ConfluenceApi(
    new ConfluenceHttp({
      root: wikiRoot(url),
      credentials: { kind: 'basic', ...SERVICE },
      retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 2, jitter: 0 },
      timeoutMs: 5_000,
      fetch: inProcessFetch(sim, SITE),
    }),
  );
}

describe('an API token with scopes', () => {
  it('is refused at the site with one line naming the CONFLUENCE_URL through Atlassian’s gateway, the site’s own cloud id in it', async () => {
    const { sim } = siteWithScopedToken();
    const refused = await crawlSpace(api(sim, SITE), 'OPS', { emit: async () => {} }).then(
      () => undefined,
      (e: unknown) => e as Error & { kind?: string },
    );
    expect(refused?.kind).toBe('auth');
    expect(refused?.message).toBe(
      `Confluence refused the credentials (HTTP 401 on GET /wiki/api/v2/spaces): check CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN (an API token of that Atlassian account); an API token with scopes is served only at CONFLUENCE_URL=https://api.atlassian.com/ex/confluence/${DEFAULT_CLOUD_ID}`,
    );
  });

  it('crawls a space across pages of listings and writes labels through the gateway’s /ex/confluence/{cloudId}', async () => {
    const { sim, seeded } = siteWithScopedToken();
    const gateway = api(sim, `${SITE}/ex/confluence/${DEFAULT_CLOUD_ID}`);
    const events: PageEvent[] = [];
    await crawlSpace(gateway, 'OPS', { emit: async (batch) => void events.push(...batch) });
    expect(new Set(events.map((e) => e.pageId))).toEqual(new Set(seeded.pageIds));
    expect(sim.stats().byRoute).toMatchObject({ 'space-pages': 2, search: 2 });
    const id = seeded.pageIds[0] as string;
    await syncPageLabels(
      gateway,
      undefined,
      { pageId: id, version: 1, tags: ['runbook'] },
      { dryRun: false, now: Date.now },
    );
    expect(sim.page(id)?.labels.map((l) => l.name)).toContain('runbook');
  });

  it('gets no hint for a Data Center login, or a root already through the gateway', async () => {
    const { sim } = siteWithScopedToken();
    const fetchFn = inProcessFetch(sim, SITE);
    const dataCenter = { kind: 'basic' as const, ...SERVICE, dataCenter: true };
    expect(await scopedTokenHint(wikiRoot(SITE), dataCenter, fetchFn)).toBe('');
    const gatewayRoot = wikiRoot(`${SITE}/ex/confluence/${DEFAULT_CLOUD_ID}`);
    expect(await scopedTokenHint(gatewayRoot, { kind: 'basic', ...SERVICE }, fetchFn)).toBe('');
    expect(await scopedTokenHint(wikiRoot(SITE), { kind: 'basic', ...SERVICE }, fetchFn)).toBe(
      `; an API token with scopes is served only at CONFLUENCE_URL=https://api.atlassian.com/ex/confluence/${DEFAULT_CLOUD_ID}`,
    );
    sim.configure({ users: [{ ...SERVICE, apiToken: 'another-token', scoped: true }] });
    const refused = await crawlSpace(api(sim, `${SITE}/ex/confluence/${DEFAULT_CLOUD_ID}`), 'OPS', {
      emit: async () => {},
    }).catch((e: unknown) => e as Error);
    expect((refused as Error).message).toMatch(/^Confluence refused the credentials/);
    expect((refused as Error).message).not.toContain('scopes');
  });
});
