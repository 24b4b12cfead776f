import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editPages } from '../../../src/gen/edit-space.js';
import { generateSpace } from '../../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../../src/sim/simulator.js';
import type { PageEvent } from '../../../src/model/page-event.js';
import { cleanEnv, runCli } from '../../support/cli.js';
import { createTopics, produceMessages, testBrokers, uniqueTopic } from '../../support/kafka.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { seed: 3, trackPages: true, gemini: { rpm: 1000, windowMs: 1000, latencyMs: { median: 10 } } },
  });
});

afterAll(async () => {
  await sim?.close();
});

describe('replaying a space whose tags are already on the tags topic', () => {
  it('makes zero LLM calls the second time and calls the LLM for exactly the 30 edited pages the third time', async () => {
    const topic = uniqueTopic('dedupe-events');
    const tags = uniqueTopic('dedupe-tags');
    const dlq = uniqueTopic('dedupe-dlq');
    await createTopics([{ topic, partitions: 3 }, { topic: tags, compact: true }, { topic: dlq }]);
    const { events } = generateSpace({ pages: 300, seed: 9, spaceKey: 'DDP' });
    const produce = (batch: PageEvent[]) =>
      produceMessages(
        topic,
        batch.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
      );
    await produce(events);

    const dir = mkdtempSync(join(tmpdir(), 'tagspace-dedupe-'));
    const replay = async (name: string) => {
      sim.resetStats();
      const summaryPath = join(dir, `${name}.json`);
      const result = await runCli(
        [
          'replay',
          ...[
            '--brokers',
            testBrokers().join(','),
            '--topic',
            topic,
            '--tags-topic',
            tags,
            '--dlq-topic',
            dlq,
          ],
          ...['--gemini-base-url', sim.geminiBaseUrl, '--linger-ms', '50', '--summary-json', summaryPath],
        ],
        { env: cleanEnv({ GEMINI_API_KEY: 'k' }), timeoutMs: 120_000 },
      );
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      const stats = sim.stats({ pages: true });
      return {
        summary: JSON.parse(readFileSync(summaryPath, 'utf8')) as Record<string, number>,
        requests: stats.gemini.requests + stats.openai.requests,
        pages: stats.pages ?? {},
      };
    };

    const first = await replay('first');
    expect(first.summary.tagged).toBe(300);
    expect(Object.keys(first.pages)).toHaveLength(300);

    const second = await replay('second');
    expect(second.requests).toBe(0);
    expect(second.summary).toMatchObject({ events: 300, llmCalls: 0, tagged: 0, skipped: 300 });

    const edited = editPages(events, { count: 30, seed: 4, kind: 'content' });
    await produce(edited);
    const third = await replay('third');
    expect(Object.keys(third.pages).sort()).toEqual(edited.map((e) => e.pageId).sort());
    expect(third.summary).toMatchObject({ events: 330, tagged: 30, skipped: 300 });
  });
});
