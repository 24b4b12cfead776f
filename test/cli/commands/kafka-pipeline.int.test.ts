import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { cleanEnv, runCli, spawnCli } from '../../support/cli.js';
import {
  committedOffsets,
  consumeUntil,
  createTopics,
  endOffsets,
  produceMessages,
  testBrokers,
  uniqueTopic,
  withAdmin,
} from '../../support/kafka.js';
import { waitFor } from '../../support/wait-for.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      seed: 11,
      gemini: { rpm: 600, windowMs: 1000, latencyMs: { median: 20 } },
      openai: { rpm: 600, windowMs: 1000, latencyMs: { median: 20 } },
    },
  });
});

afterAll(async () => {
  await sim?.close();
});

function topics(prefix: string) {
  return {
    topic: uniqueTopic(`${prefix}-events`),
    tags: uniqueTopic(`${prefix}-tags`),
    dlq: uniqueTopic(`${prefix}-dlq`),
  };
}

function pipelineArgs(t: ReturnType<typeof topics>): string[] {
  return [
    '--brokers',
    testBrokers().join(','),
    '--topic',
    t.topic,
    '--tags-topic',
    t.tags,
    '--dlq-topic',
    t.dlq,
    '--gemini-base-url',
    sim.geminiBaseUrl,
    '--openai-base-url',
    sim.openaiBaseUrl,
    '--linger-ms',
    '50',
  ];
}

const keys = { GEMINI_API_KEY: 'test-gemini-key', OPENAI_API_KEY: 'test-openai-key' };

describe('the walking skeleton on a real broker', () => {
  it('tags 200 generated pages from a topic onto the tags topic and commits the group offsets to the end', async () => {
    const t = topics('skeleton');
    const group = uniqueTopic('skeleton-group');
    await createTopics([
      { topic: t.topic, partitions: 3 },
      { topic: t.tags, compact: true },
      { topic: t.dlq },
    ]);
    const { events, truth } = generateSpace({ pages: 200, seed: 42, spaceKey: 'SKL' });
    await produceMessages(
      t.topic,
      events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
    );

    const run = spawnCli(
      ['run', ...pipelineArgs(t), '--group', group, '--commit-interval-ms', '200'],
      cleanEnv(keys),
    );
    try {
      const records = await consumeUntil(t.tags, 200, { deadlineMs: 120_000 });
      const byPage = new Map(
        records.map((m) => [m.key, JSON.parse(m.value ?? '{}') as { tags: string[]; pageId: string }]),
      );
      expect(byPage.size).toBe(200);
      const hits = [...truth].filter(([pageId, topicsOfPage]) =>
        byPage.get(pageId)?.tags.includes(topicsOfPage[0] ?? ''),
      );
      expect(hits.length / truth.size).toBeGreaterThanOrEqual(0.95);

      const ends = await endOffsets(t.topic);
      await waitFor(
        async () => {
          const committed = await committedOffsets(group, t.topic);
          return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.offset);
        },
        { timeoutMs: 30_000, message: 'committed offsets to reach the end offsets' },
      );
    } finally {
      run.child.kill('SIGTERM');
    }
    const result = await run.exited;
    expect(result.code).toBe(0);
  });

  it('replays a topic to its end, dead-letters bad events with the reason and keeps going, its summary agrees with the topics, and it leaves none of its groups behind', async () => {
    const t = topics('replay');
    await createTopics([
      { topic: t.topic, partitions: 2 },
      { topic: t.tags, compact: true },
      { topic: t.dlq },
    ]);
    const { events } = generateSpace({ pages: 60, seed: 5, spaceKey: 'RPL' });
    const { pageId: _drop, ...withoutPageId } = events[1]!;
    await produceMessages(t.topic, [
      { key: 'bad-json', value: '{"type": "page_created", oops' },
      { key: 'no-page-id', value: JSON.stringify(withoutPageId) },
      ...events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-replay-'));
    const summaryPath = join(dir, 'summary.json');
    const groups = () => withAdmin(async (admin) => (await admin.listGroups()).groups.map((g) => g.groupId));
    const before = new Set(await groups());

    const result = await runCli(['replay', ...pipelineArgs(t), '--summary-json', summaryPath], {
      env: cleanEnv(keys),
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    // The groups it made for itself (its own, the restore's, the quota reader's) are gone.
    expect(result.stderr).toMatch(/"groupId":"tagspace-replay-/);
    expect((await groups()).filter((g) => !before.has(g) && g.startsWith('tagspace-'))).toEqual([]);
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, number>;
    expect(summary).toMatchObject({ events: 62, tagged: 60, dlq: 2, cached: 0, skipped: 0 });

    const tags = await consumeUntil(t.tags, 60);
    expect(new Set(tags.map((m) => m.key)).size).toBe(summary.tagged);
    const dead = await consumeUntil(t.dlq, 2);
    const byKey = new Map(dead.map((m) => [m.key, m]));
    expect(byKey.get('bad-json')?.headers['tagspace.error.kind']).toBe('decode');
    expect(byKey.get('bad-json')?.value).toBe('{"type": "page_created", oops');
    expect(byKey.get('no-page-id')?.headers['tagspace.error.kind']).toBe('invalid_event');
    expect(byKey.get('no-page-id')?.headers['tagspace.error.message']).toContain('pageId');
    expect(byKey.get('no-page-id')?.headers['tagspace.source.topic']).toBe(t.topic);
  });
});
