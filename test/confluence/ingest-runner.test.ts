import { describe, expect, it } from 'vitest';
import { ConfluenceApi } from '../../src/confluence/confluence-api.js';
import { ConfluenceHttp } from '../../src/confluence/confluence-http.js';
import { newIngestCounts, runIngest } from '../../src/confluence/ingest-runner.js';
import type { PageEvent } from '../../src/model/page-event.js';
import { DEFAULT_USER } from '../../src/sim/confluence/confluence-config.js';
import { createConfluenceSim } from '../../src/sim/confluence/confluence-sim.js';
import { inProcessFetch } from '../../src/sim/confluence/in-process-fetch.js';
import { waitFor } from '../support/wait-for.js';
import { SITE } from './sim-client.js';

describe('runIngest following a space', () => {
  it('counts the polls Confluence cannot answer as failed, keeps the checkpoint, and follows the edits once it answers again', async () => {
    const sim = createConfluenceSim();
    const seeded = sim.seedSpace({ key: 'DEV', pages: 10, seed: 4 });
    const site = inProcessFetch(sim, SITE);
    let down = false;
    // Confluence answers 503 to everything while it is down (after the crawl).
    const fetchFn: typeof fetch = (input, init) =>
      down ? Promise.resolve(new Response('{}', { status: 503 })) : site(input, init);
    const api = new ConfluenceApi(
      new ConfluenceHttp({
        root: `${SITE}/wiki`,
        credentials: { kind: 'basic', email: DEFAULT_USER.email, apiToken: DEFAULT_USER.apiToken },
        retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetries: 1, jitter: 0 },
        timeoutMs: 5_000,
        fetch: fetchFn,
      }),
    );
    const events: PageEvent[] = [];
    const counts = newIngestCounts();
    const abort = new AbortController();
    const running = runIngest(
      { api, sink: { send: async (batch) => void events.push(...batch) } },
      {
        spaces: ['DEV'],
        follow: true,
        pollIntervalMs: 5,
        timeZone: 'UTC',
        lagMs: 60_000,
        reconcileEvery: 1_000,
        signal: abort.signal,
        counts,
        onCrawled: () => (down = true),
      },
    );
    try {
      await waitFor(() => counts.failedPolls >= 3, { timeoutMs: 10_000, message: 'three failed polls' });
      const [edited] = seeded.pageIds as [string];
      sim.editPage(edited);
      down = false;
      await waitFor(() => counts.updated === 1, { timeoutMs: 10_000, message: 'the edit followed' });
      expect(events.filter((e) => e.type === 'page_updated').map((e) => e.pageId)).toEqual([edited]);
    } finally {
      abort.abort();
    }
    const ended = await running;
    // The same record the caller passed is the one returned, and /metrics reads it live.
    expect(ended).toBe(counts);
    expect(counts.snapshots).toBe(10);
    expect(counts.failedPolls).toBeGreaterThanOrEqual(3);
    expect(counts.polls).toBeGreaterThan(counts.failedPolls);
  });
});
