import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../src/sim/confluence/start-confluence-sim.js';
import type { TagRecord } from '../../src/model/tag-record.js';
import { runCli, spawnCli } from '../support/cli.js';
import {
  committedOffsets,
  createTopics,
  endOffsets,
  produceMessages,
  uniqueTopic,
} from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import { labelsArgs, labelsByOwner, loopEnv, loopTopics, readAll } from './loop-kit.js';

let wiki: RunningConfluenceSim;
let pageIds: string[];
const t = loopTopics('cf-labels');

function record(pageId: string, version: number, tags: string[]): { key: string; value: string } {
  const r: TagRecord = {
    pageId,
    spaceKey: 'LAB',
    version,
    contentHash: `h${version}`,
    tags,
    provider: 'gemini',
    model: 'sim',
    promptVersion: 'v1',
    cached: false,
    taggedAt: new Date().toISOString(),
  };
  return { key: pageId, value: JSON.stringify(r) };
}

beforeAll(async () => {
  wiki = await startConfluenceSim({ spaces: [{ key: 'LAB', pages: 30, seed: 5 }] });
  pageIds = wiki.pages('LAB').map((p) => p.id);
  await createTopics([{ topic: t.tags, partitions: 3, compact: true }]);
  await produceMessages(
    t.tags,
    pageIds.map((id, i) => record(id, 1, [`topic-${i % 4}`, 'shared'])),
  );
});

afterAll(async () => {
  await wiki?.close();
});

describe('tagspace labels', () => {
  it('--dry-run prints the changes it would make and writes nothing, in Confluence or Kafka', async () => {
    const result = await runCli(labelsArgs(wiki, t, ['--until-end', '--dry-run']), {
      env: loopEnv(),
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const planned = result.stdout.split('\n').filter((l) => l.startsWith('page '));
    expect(planned).toHaveLength(30);
    expect(planned[0]).toMatch(/^page \d+ v1: \+ /);
    expect(wiki.stats().labelWrites).toBe(0);
    expect(await readAll(t.ownership)).toEqual([]);
  });

  it('as a member of a group follows new records and tombstones, and commits only what it has written', async () => {
    const group = uniqueTopic('cf-labels-group');
    const [first, second] = pageIds as [string, string];
    wiki.addLabel(second, 'keep-me');
    const member = spawnCli(
      labelsArgs(wiki, t, ['--group', group, '--commit-interval-ms', '200']),
      loopEnv(),
    );
    try {
      await waitFor(() => pageIds.every((id) => labelsByOwner(wiki, id).api.includes('shared')), {
        timeoutMs: 60_000,
        message: 'every page to carry its tags',
      });
      const ends = await endOffsets(t.tags);
      await waitFor(
        async () => {
          const committed = await committedOffsets(group, t.tags);
          return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.offset);
        },
        { timeoutMs: 30_000, message: 'the group to commit to the end' },
      );

      await produceMessages(t.tags, [
        record(first, 2, ['renamed-topic']),
        { key: second, value: null as unknown as string },
      ]);
      await waitFor(() => labelsByOwner(wiki, first).api.join() === 'renamed-topic', {
        timeoutMs: 30_000,
        message: 'the new tags',
      });
      await waitFor(() => labelsByOwner(wiki, second).api.length === 0, {
        timeoutMs: 30_000,
        message: 'the tombstone',
      });
      expect(labelsByOwner(wiki, second).person).toContain('keep-me');
    } finally {
      member.child.kill('SIGTERM');
    }
    const result = await member.exited;
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const ends = await endOffsets(t.tags);
    const committed = await committedOffsets(group, t.tags);
    for (const e of ends) expect(committed.find((c) => c.partition === e.partition)?.offset).toBe(e.offset);
  });
});
