import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../src/sim/confluence/start-confluence-sim.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { cleanEnv, runCli, spawnCli, type CliProcess } from '../support/cli.js';
import { consumeUntil, endOffsets, testBrokers, uniqueTopic } from '../support/kafka.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import {
  ingestArgs,
  labelsArgs,
  labelsByOwner,
  latestTags,
  loopTopics,
  readAll,
  tagAll,
} from './loop-kit.js';

/**
 * The loop against a Data Center site: the simulator in its Data Center mode (v1 only, under a
 * context path, personal access tokens), driven by the CLI as a Data Center user would, with
 * CONFLUENCE_TOKEN and the base URL with its context path. Crawl, tag, label, follow, webhook.
 */
const PAT = 'dc-personal-access-token';
const SECRET = 'dc-webhook-secret';
let wiki: RunningConfluenceSim;
let site: { url: string };
let providers: Simulator;
let pageIds: string[];
const t = loopTopics('dc-loop');

function dcEnv(token = PAT): Record<string, string> {
  return cleanEnv({
    CONFLUENCE_TOKEN: token,
    GEMINI_API_KEY: 'test-gemini-key',
    OPENAI_API_KEY: 'test-openai-key',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
}

beforeAll(async () => {
  wiki = await startConfluenceSim({
    config: { deployment: 'data-center', contextPath: '/confluence', personalAccessTokens: [PAT] },
    spaces: [{ key: 'OPS', pages: 300, seed: 11 }],
  });
  site = { url: `${wiki.url}/confluence` };
  pageIds = wiki.pages('OPS').map((p) => p.id);
  providers = await startSimulator({
    scenario: {
      seed: 3,
      gemini: { rpm: 6000, windowMs: 1000, latencyMs: { median: 10 } },
      openai: { rpm: 6000, windowMs: 1000, latencyMs: { median: 10 } },
    },
  });
});

afterAll(async () => {
  await wiki?.close();
  await providers?.close();
});

const totalEvents = async () => (await endOffsets(t.events)).reduce((sum, p) => sum + p.offset, 0);

function parsed(messages: { value: string | null }[]) {
  return messages.map(
    (m) =>
      JSON.parse(m.value ?? '{}') as {
        type: string;
        pageId: string;
        spaceKey: string;
        version: number;
        body: string;
        labels?: string[];
      },
  );
}

describe('Confluence Data Center at both ends, on a real broker', () => {
  it('stops in seconds with one line naming CONFLUENCE_TOKEN when the site refuses the token', async () => {
    const result = await runCli(ingestArgs(site as RunningConfluenceSim, t, ['OPS']), {
      env: dcEnv('wrong-token'),
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /tagspace: Confluence refused the credentials \(HTTP 401 on GET \/confluence\/rest\/api\/space\): check CONFLUENCE_TOKEN/,
    );
    expect(result.stderr).not.toContain('wrong-token');
  });

  it('crawls a 300-page space through the v1 API under the context path, bodies and labels included', async () => {
    const result = await runCli(ingestArgs(site as RunningConfluenceSim, t, ['OPS']), {
      env: dcEnv(),
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stdout).toMatch(/300 pages crawled/);
    expect(await totalEvents()).toBe(300);
    const events = parsed(await readAll(t.events));
    expect(events.every((e) => e.type === 'page_snapshot' && e.spaceKey === 'OPS')).toBe(true);
    expect(new Set(events.map((e) => e.pageId))).toEqual(new Set(pageIds));
    // v1 only, 250 a request: the listing went through its start-offset pages.
    const routes = wiki.stats().byRoute;
    expect(routes['content-list']).toBe(2);
    expect(routes['space']).toBe(1);
    expect(routes['unknown'] ?? 0).toBe(0);
    for (const e of events) {
      const page = wiki.page(e.pageId);
      expect(e.version).toBe(page?.version);
      expect(e.body).toBe(page?.body);
      expect([...(e.labels ?? [])].sort()).toEqual((page?.labels ?? []).map((l) => l.name).sort());
    }
  });

  it('writes every page’s tags back as labels with labels --until-end, leaving a person’s label theirs', async () => {
    const tagged = await tagAll(providers, t);
    expect(tagged.code, tagged.stderr.slice(-2000)).toBe(0);
    const tags = await latestTags(t.tags);
    expect(tags.size).toBe(300);
    const [mine] = pageIds as [string];
    wiki.addLabel(mine, 'reviewed-by-bob');

    const result = await runCli(labelsArgs(site as RunningConfluenceSim, t), {
      env: dcEnv(),
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    for (const id of pageIds) {
      const { api, person } = labelsByOwner(wiki, id);
      expect(api, `page ${id}`).toEqual(
        (tags.get(id) as string[]).filter((tag) => !person.includes(tag)).sort(),
      );
    }
    expect(labelsByOwner(wiki, mine).person).toContain('reviewed-by-bob');
  });

  it('follows edits and a trashing made after the crawl as page_updated and page_removed events', async () => {
    const before = await totalEvents();
    const follower: CliProcess = spawnCli(
      [...ingestArgs(site as RunningConfluenceSim, t, ['OPS']), '--follow', '--poll-interval-ms', '300'],
      dcEnv(),
    );
    try {
      await waitFor(() => follower.stderr().includes('resuming from checkpoint'), {
        timeoutMs: 60_000,
        message: 'the follower to resume',
      });
      const edited = wiki.editPages({ count: 5, seed: 42, spaceKey: 'OPS' }).map((p) => p.id);
      const trashed = pageIds.find((id) => !edited.includes(id)) as string;
      wiki.trashPage(trashed);

      const fresh = await consumeUntil(t.events, (all) => all.length >= before + 6, { deadlineMs: 60_000 });
      const news = parsed(fresh).slice(before);
      expect(
        news
          .filter((e) => e.type === 'page_updated')
          .map((e) => e.pageId)
          .sort(),
      ).toEqual([...edited].sort());
      expect(news.filter((e) => e.type === 'page_removed').map((e) => e.pageId)).toEqual([trashed]);
      for (const e of news.filter((x) => x.type === 'page_updated'))
        expect(e.version).toBe(wiki.page(e.pageId)?.version);
    } finally {
      follower.child.kill('SIGTERM');
      await follower.exited;
    }
    // Each change once: the polls after the first that saw them found nothing new.
    expect(await totalEvents()).toBe(before + 6);
  });

  it('produces the page of a signed Data Center webhook, read through v1 with its space key', async () => {
    // A topic of its own: what the follower above produced is not this receiver's.
    const hooked = uniqueTopic('dc-webhook-events');
    const port = await freePort();
    const receiver = spawnCli(
      [
        ...['webhook', '--confluence-url', site.url, '--port', String(port), '--host', '127.0.0.1'],
        ...['--brokers', testBrokers().join(','), '--topic', hooked],
      ],
      { ...dcEnv(), CONFLUENCE_WEBHOOK_SECRET: SECRET },
    );
    try {
      await waitFor(() => receiver.stdout().includes('receiving Confluence webhooks'), {
        timeoutMs: 60_000,
        message: 'the receiver to listen',
      });
      wiki.addWebhook({
        name: 'tagspace',
        url: `http://127.0.0.1:${port}/`,
        events: ['page_updated'],
        configuration: { secret: SECRET },
      });
      const page = pageIds.at(-1) as string;
      wiki.editPage(page);
      await wiki.webhooksIdle();
      expect(wiki.stats().webhooks).toMatchObject({ delivered: 1, failed: 0 });
      // Answered 200 only once Kafka had it: the event is there already.
      expect(parsed(await consumeUntil(hooked, 1, { deadlineMs: 10_000 }))).toEqual([
        expect.objectContaining({
          type: 'page_updated',
          pageId: page,
          spaceKey: 'OPS',
          version: wiki.page(page)?.version,
          body: wiki.page(page)?.body,
        }),
      ]);
    } finally {
      receiver.child.kill('SIGTERM');
      await receiver.exited;
    }
  });
});
