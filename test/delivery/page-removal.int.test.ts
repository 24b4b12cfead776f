import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageEvent } from '../../src/model/page-event.js';
import { editPages, removePages } from '../../src/gen/edit-space.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { runCli, cleanEnv } from '../support/cli.js';
import {
  deliveryTopics,
  KEYS,
  latestByKey,
  missingLatest,
  pageMessage,
  pipelineArgs,
  readAll,
  tagRecordOf,
} from './support.js';
import { produceMessages } from '../support/kafka.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { seed: 5, trackPages: true, gemini: { latencyMs: { median: 5 } } },
  });
});

afterAll(async () => {
  await sim?.close();
});

describe('page removals', () => {
  it('put a tombstone on the tags topic, and a page created again after its removal is tagged again', async () => {
    const t = await deliveryTopics('removal');
    const { events: created } = generateSpace({ pages: 40, seed: 12, spaceKey: 'RMV' });
    const removed = removePages(created, { count: 12, seed: 3 });
    // Five of the removed pages come back, with new content, one version past their removal.
    const recreated: PageEvent[] = editPages(
      removed
        .slice(0, 5)
        .map((r) => ({ ...(created.find((c) => c.pageId === r.pageId) as PageEvent), version: r.version })),
      { count: 5, seed: 9, kind: 'content' },
    ).map((e) => ({ ...e, type: 'page_created' }));
    const dir = mkdtempSync(join(tmpdir(), 'tagspace-removal-'));
    const replay = async (name: string) => {
      const summaryPath = join(dir, `${name}.json`);
      const result = await runCli(['replay', ...pipelineArgs(t, sim), '--summary-json', summaryPath], {
        env: cleanEnv(KEYS),
        timeoutMs: 120_000,
      });
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      return JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, number>;
    };

    await produceMessages(t.events, created.map(pageMessage));
    expect(await replay('created')).toMatchObject({ tagged: 40, tombstones: 0 });

    await produceMessages(t.events, removed.map(pageMessage));
    const second = await replay('removed');
    expect(second).toMatchObject({ events: 52, tagged: 0, tombstones: 12, skipped: 40 });
    let tags = await readAll(t.tags);
    const afterRemoval = latestByKey(tags);
    for (const r of removed) expect(afterRemoval.get(r.pageId)?.value, r.pageId).toBeNull();

    sim.resetStats();
    await produceMessages(t.events, recreated.map(pageMessage));
    const third = await replay('recreated');
    // Replayed from the start: the removed pages' first versions stay stale (the tombstones carry
    // the removal's version), so no removed page is brought back, not even for a moment.
    expect(third).toMatchObject({ tagged: 5, cached: 0 });
    // Removed pages were dropped from the tag state: their new versions went to the LLM.
    expect(Object.keys(sim.stats({ pages: true }).pages ?? {}).sort()).toEqual(
      recreated.map((e) => e.pageId).sort(),
    );

    tags = await readAll(t.tags);
    expect(missingLatest([...created, ...removed, ...recreated], tags)).toEqual([]);
    const latest = latestByKey(tags);
    for (const e of recreated) {
      expect(tagRecordOf(latest.get(e.pageId))).toMatchObject({ version: e.version, cached: false });
    }
    for (const r of removed) {
      const history = tags.filter((m) => m.key === r.pageId);
      const firstTombstone = history.findIndex((m) => m.value === null);
      const afterIt = history.slice(firstTombstone).map((m) => tagRecordOf(m)?.version ?? 'tombstone');
      expect(
        afterIt.every((v) => v === 'tombstone' || v > r.version),
        `${r.pageId}: ${afterIt.join(',')}`,
      ).toBe(true);
    }
  });
});
