import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../../src/gen/generate-space.js';
import { readScenarioJson } from '../../../src/sim/scenario-file.js';
import { startSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { cleanEnv, spawnCli } from '../../support/cli.js';
import {
  consumeUntil,
  createTopics,
  produceMessages,
  testBrokers,
  uniqueTopic,
} from '../../support/kafka.js';

/**
 * `tagspace run` with its defaults (adaptive batch size, spill-over on) against scenarios/default.json
 * as shipped, at real time: Gemini's free tier (15 requests a minute) and OpenAI's tier 1, their
 * latencies and faults. No time scaling is needed: with both quotas used and batches of up to 40
 * pages, 1,000 pages take about 25 s (fixed batches of 5 without spill-over took 268 s). The one
 * setting changed is the provider timeout, 15 s instead of 60 s: the scenario hangs one call in
 * 500 for a minute, and a hung last batch would be a gap of the timeout's length that says
 * nothing about stalls.
 */
let sim: Simulator;

beforeAll(async () => {
  const scenario = (await readScenarioJson('scenarios/default.json')) as Record<string, unknown>;
  sim = await startSimulator({ scenario });
});

afterAll(async () => {
  await sim?.close();
});

describe('run on the free tier', () => {
  it('tags 1,000 pages with no 20-second gap in requests while work waits, spills counted apart from fallbacks', async () => {
    const topic = uniqueTopic('free-events');
    const tags = uniqueTopic('free-tags');
    const dlq = uniqueTopic('free-dlq');
    await createTopics([{ topic, partitions: 3 }, { topic: tags, compact: true }, { topic: dlq }]);
    const { events, truth } = generateSpace({ pages: 1_000, seed: 8, spaceKey: 'FREE' });
    await produceMessages(
      topic,
      events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
    );
    const started = performance.now();
    const run = spawnCli(
      [
        'run',
        ...['--brokers', testBrokers().join(','), '--topic', topic, '--tags-topic', tags, '--dlq-topic', dlq],
        ...['--group', uniqueTopic('free-group'), '--metrics-port', '0', '--provider-timeout-ms', '15000'],
        ...['--gemini-base-url', sim.geminiBaseUrl, '--openai-base-url', sim.openaiBaseUrl],
        ...['--quota-topic', `${topic}-quota`],
      ],
      cleanEnv({ GEMINI_API_KEY: 'free-gemini-key', OPENAI_API_KEY: 'free-openai-key' }),
    );
    let records;
    try {
      records = await consumeUntil(tags, 1_000, { deadlineMs: 170_000 });
    } finally {
      run.child.kill('SIGTERM');
    }
    const result = await run.exited;
    expect(result.code, result.stderr.slice(-2000)).toBe(0);

    const byPage = new Map(
      records.map((m) => [m.key, JSON.parse(m.value ?? '{}') as { tags: string[]; spilled?: boolean }]),
    );
    expect(byPage.size).toBe(1_000);
    const right = [...truth].filter(([id, topics]) => byPage.get(id)?.tags.includes(topics[0] ?? ''));
    expect(right.length / truth.size).toBeGreaterThanOrEqual(0.95);

    const stats = sim.stats();
    expect(stats.requestGap?.longestMs, JSON.stringify(stats.requestGap)).toBeLessThan(20_000);
    // Both quotas were used: batches spilled to OpenAI while Gemini's window held them.
    expect(stats.gemini.ok).toBeGreaterThan(0);
    expect(stats.openai.ok).toBeGreaterThan(0);
    const spilledRecords = [...byPage.values()].filter((r) => r.spilled === true).length;
    expect(spilledRecords).toBeGreaterThan(0);
    const summary = /llm calls (\d+) in (\d+) batch(?:es)? .* fallbacks (\d+) \([^)]*\) · spills (\d+)/.exec(
      result.stdout,
    );
    expect(summary, result.stdout).not.toBeNull();
    const [, calls, , fallbacks, spills] = summary!.map(Number);
    console.info(
      `free tier: 1,000 pages in ${((performance.now() - started) / 1000).toFixed(1)} s, ${calls} calls ` +
        `(Gemini ${stats.gemini.requests}, OpenAI ${stats.openai.requests}), ${spills} spills, ` +
        `${fallbacks} fallbacks, longest gap between requests ${stats.requestGap?.longestMs} ms`,
    );
    expect(spills).toBeGreaterThan(0);
    // Adaptive batches: far fewer calls than the 200 of fixed batches of 5.
    expect(calls).toBeLessThan(100);
  }, 180_000);
});
