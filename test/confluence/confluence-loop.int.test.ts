import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../src/sim/confluence/start-confluence-sim.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { runCli, spawnCli, type CliProcess } from '../support/cli.js';
import { consumeUntil, endOffsets, produceMessages, withAdmin } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import {
  ingestArgs,
  labelsArgs,
  labelsByOwner,
  latestTags,
  loopEnv,
  loopTopics,
  readAll,
  tagAll,
} from './loop-kit.js';

/**
 * The whole loop against the Confluence simulator (over HTTP) and the real broker, in order:
 * crawl, tag, label; edit and trash, follow, tag, label again; restart the follower. Each step
 * runs the CLI as a user would.
 */
let wiki: RunningConfluenceSim;
let providers: Simulator;
let pageIds: string[];
const t = loopTopics('cf-loop');

beforeAll(async () => {
  wiki = await startConfluenceSim({ spaces: [{ key: 'DEV', pages: 600, seed: 7 }] });
  pageIds = wiki.pages('DEV').map((p) => p.id);
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

async function totalEvents(): Promise<number> {
  return (await endOffsets(t.events)).reduce((sum, p) => sum + p.offset, 0);
}

function parsed(messages: { value: string | null }[]) {
  return messages.map(
    (m) => JSON.parse(m.value ?? '{}') as { type: string; pageId: string; version: number },
  );
}

describe('Confluence at both ends, on a real broker', () => {
  it('crawls a 600-page space into exactly 600 page_snapshot events across pagination, and exits 0 with a summary', async () => {
    const result = await runCli(ingestArgs(wiki, t, ['DEV']), { env: loopEnv(), timeoutMs: 120_000 });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stdout).toMatch(/600 pages crawled/);
    expect(await totalEvents()).toBe(600);
    const events = parsed(await readAll(t.events));
    expect(events.every((e) => e.type === 'page_snapshot')).toBe(true);
    expect(new Set(events.map((e) => e.pageId))).toEqual(new Set(pageIds));
    // 250 a request: the crawl went through the cursor pages.
    expect(wiki.stats().byRoute['space-pages']).toBe(3);
  });

  it('labels every page with its TagRecord’s tags with labels --until-end, and the labels people added stay theirs', async () => {
    const tagged = await tagAll(providers, t);
    expect(tagged.code, tagged.stderr.slice(-2000)).toBe(0);
    const tags = await latestTags(t.tags);
    expect(tags.size).toBe(600);
    // A person labels two pages first: one with a label of their own, one with a label equal to a tag.
    const [mine, same] = pageIds as [string, string];
    wiki.addLabel(mine, 'reviewed-by-alice');
    const shared = (tags.get(same) as string[])[0] as string;
    wiki.addLabel(same, shared);
    const before = new Map(pageIds.map((id) => [id, labelsByOwner(wiki, id).person]));

    const result = await runCli(labelsArgs(wiki, t), { env: loopEnv(), timeoutMs: 120_000 });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    for (const id of pageIds) {
      const { api, person } = labelsByOwner(wiki, id);
      const expected = (tags.get(id) as string[]).filter((tag) => !person.includes(tag)).sort();
      expect(api, `page ${id}`).toEqual(expected);
      expect(person, `page ${id}`).toEqual(before.get(id));
    }
    expect(labelsByOwner(wiki, mine).person).toContain('reviewed-by-alice');
    expect(labelsByOwner(wiki, same).person).toContain(shared);
    expect(labelsByOwner(wiki, same).api).not.toContain(shared);
    expect(result.stdout).toMatch(/600 records/);
    // Its progress, off a terminal: a log line at the end, through the whole topic.
    const progress = result.stderr
      .split('\n')
      .filter((l) => l.includes('"msg":"progress"'))
      .map((l) => JSON.parse(l) as { what: string; done: number; total: number });
    expect(progress.at(-1)?.what).toBe('tag records');
    expect(progress.at(-1)?.total).toBeGreaterThanOrEqual(600);
    expect(progress.at(-1)?.done).toBe(progress.at(-1)?.total);
  });

  it('makes zero label writes on a second labels --until-end, as the simulator counts them, and leaves no group behind', async () => {
    const { labelWrites: writes, requests } = wiki.stats();
    expect(writes).toBeGreaterThan(0);
    const groups = () => withAdmin(async (admin) => (await admin.listGroups()).groups.map((g) => g.groupId));
    const before = new Set(await groups());
    const result = await runCli(labelsArgs(wiki, t), { env: loopEnv(), timeoutMs: 120_000 });
    expect(result.stderr).toMatch(/"groupId":"tagspace-labels-/);
    expect((await groups()).filter((g) => !before.has(g) && g.startsWith('tagspace-'))).toEqual([]);
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(wiki.stats().labelWrites).toBe(writes);
    // Every record was settled from the ownership topic: the only request proved the credentials.
    expect(wiki.stats().requests - requests).toBe(1);
    expect(result.stdout).toMatch(/600 already settled/);
  });

  let follower: CliProcess | undefined;
  const edited: string[] = [];
  const trashed: string[] = [];

  it('follows 20 edits and 3 trashings made after the crawl as page_updated and page_removed events', async () => {
    const before = await totalEvents();
    follower = spawnCli(
      [...ingestArgs(wiki, t, ['DEV']), '--follow', '--poll-interval-ms', '300'],
      loopEnv(),
    );
    await waitFor(() => follower?.stderr().includes('resuming from checkpoint'), {
      timeoutMs: 60_000,
      message: 'the follower to resume',
    });
    edited.push(...wiki.editPages({ count: 20, seed: 99, spaceKey: 'DEV' }).map((p) => p.id));
    trashed.push(...pageIds.filter((id) => !edited.includes(id)).slice(5, 8));
    for (const id of trashed) wiki.trashPage(id);

    const fresh = await consumeUntil(t.events, (all) => all.length >= before + 23, { deadlineMs: 60_000 });
    const news = parsed(fresh).slice(before);
    expect(
      news
        .filter((e) => e.type === 'page_updated')
        .map((e) => e.pageId)
        .sort(),
    ).toEqual([...edited].sort());
    expect(
      news
        .filter((e) => e.type === 'page_removed')
        .map((e) => e.pageId)
        .sort(),
    ).toEqual([...trashed].sort());
    expect(news.every((e) => e.type !== 'page_snapshot')).toBe(true);
    for (const e of news.filter((x) => x.type === 'page_updated'))
      expect(e.version).toBe(wiki.page(e.pageId)?.version);
  });

  it('makes the edited pages’ labels follow their new tags, and writes nothing to the trashed pages', async () => {
    const tagged = await tagAll(providers, t);
    expect(tagged.code, tagged.stderr.slice(-2000)).toBe(0);
    const tags = await latestTags(t.tags);
    for (const id of trashed) expect(tags.has(id)).toBe(false);
    wiki.resetStats();
    const result = await runCli(labelsArgs(wiki, t), { env: loopEnv(), timeoutMs: 120_000 });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const perPage = wiki.stats({ pages: true }).pages ?? {};
    for (const id of trashed) {
      expect(perPage[id]?.labelAdds ?? 0).toBe(0);
      expect(perPage[id]?.labelRemoves ?? 0).toBe(0);
    }
    for (const id of edited) {
      const { api, person } = labelsByOwner(wiki, id);
      expect(api, `page ${id}`).toEqual(
        (tags.get(id) as string[]).filter((tag) => !person.includes(tag)).sort(),
      );
    }
    // Only edited pages were touched.
    const touched = Object.entries(perPage).filter(([, p]) => (p.labelAdds ?? 0) + (p.labelRemoves ?? 0) > 0);
    for (const [id] of touched) expect(edited).toContain(id);
  });

  it('resumes after a restart from its checkpoint in Kafka: the edits made while it was down arrive once, nothing is crawled again', async () => {
    follower?.child.kill('SIGTERM');
    const stopped = await follower?.exited;
    expect(stopped?.code, stopped?.stderr.slice(-2000)).toBe(0);
    expect(stopped?.stdout).toMatch(/followed for \d+ poll\(s\): 20 updated, 0 created, 3 removed/);
    const before = await totalEvents();
    const down = wiki.editPages({ count: 5, seed: 123, spaceKey: 'DEV' }).map((p) => p.id);

    follower = spawnCli(
      [...ingestArgs(wiki, t, ['DEV']), '--follow', '--poll-interval-ms', '300', '--log-level', 'debug'],
      loopEnv(),
    );
    try {
      const fresh = await consumeUntil(t.events, (all) => all.length >= before + 5, { deadlineMs: 60_000 });
      // Three polls more, and nothing else may have arrived: the overlap of each poll is absorbed.
      const polls = () => (follower?.stderr().match(/space polled/g) ?? []).length;
      const seen = polls();
      await waitFor(() => polls() >= seen + 3, { timeoutMs: 30_000, message: 'three more polls' });
      expect(await totalEvents()).toBe(before + 5);
      expect(
        parsed(fresh)
          .slice(before)
          .map((e) => e.pageId)
          .sort(),
      ).toEqual([...down].sort());
      expect(follower.stderr()).toMatch(/resuming from checkpoint/);
      expect(follower.stderr()).not.toMatch(/space crawled/);
    } finally {
      follower.child.kill('SIGTERM');
      await follower.exited;
    }
  });

  it('dead-letters a TagRecord whose page is gone, with the reason', async () => {
    const record = {
      pageId: '999999999',
      spaceKey: 'DEV',
      version: 1,
      contentHash: 'x',
      tags: ['ghost'],
      provider: 'gemini',
      model: 'm',
      promptVersion: 'p',
      cached: false,
      taggedAt: new Date().toISOString(),
    };
    await produceMessages(t.tags, [{ key: record.pageId, value: JSON.stringify(record) }]);
    const result = await runCli(labelsArgs(wiki, t), { env: loopEnv(), timeoutMs: 120_000 });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const dead = await consumeUntil(t.labelsDlq, 1);
    expect(dead[0]?.key).toBe('999999999');
    expect(dead[0]?.headers['tagspace.error.kind']).toBe('not_found');
    expect(dead[0]?.headers['tagspace.error.message']).toMatch(/gone/);
    expect(JSON.stringify(dead)).not.toContain('sim-api-token');
  });
});
