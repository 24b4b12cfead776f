import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { cleanEnv, logLines, spawnCli } from '../support/cli.js';
import { createTopics, produceMessages, testBrokers, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    scenario: { seed: 2, gemini: { rpm: 1000, windowMs: 1000, latencyMs: { median: 10 } } },
  });
});

afterAll(async () => {
  await sim?.close();
});

/** Sum of every series of `name` in Prometheus text. */
function total(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('tagspace run with --metrics-port', () => {
  it('serves /healthz, turns /readyz ready once the consumer joined, and counts events on /metrics', async () => {
    const topic = uniqueTopic('metrics-events');
    const tags = uniqueTopic('metrics-tags');
    const dlq = uniqueTopic('metrics-dlq');
    await createTopics([{ topic, partitions: 2 }, { topic: tags, compact: true }, { topic: dlq }]);
    const run = spawnCli(
      [
        'run',
        ...['--brokers', testBrokers().join(','), '--topic', topic, '--tags-topic', tags, '--dlq-topic', dlq],
        ...[
          '--group',
          uniqueTopic('metrics-group'),
          '--gemini-base-url',
          sim.geminiBaseUrl,
          '--linger-ms',
          '20',
        ],
        ...['--metrics-port', '0', '--metrics-host', '127.0.0.1', '--quota-topic', `${topic}-quota`],
      ],
      cleanEnv({ GEMINI_API_KEY: 'metrics-test-key' }),
    );
    try {
      const url = await waitFor(
        () =>
          logLines(run.stderr()).find((l) => l.msg === 'metrics server listening')?.url as string | undefined,
        { timeoutMs: 60_000, message: 'the metrics server to listen' },
      );
      const base = url.replace(/\/metrics$/, '');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, {
        timeoutMs: 60_000,
        intervalMs: 200,
        message: '/readyz to answer 200 once the consumer joined',
      });

      const { events } = generateSpace({ pages: 12, seed: 6, spaceKey: 'MTR' });
      await produceMessages(
        topic,
        events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
      );
      const text = await waitFor(
        async () => {
          const body = await (await fetch(`${base}/metrics`)).text();
          // Lag is counted from committed offsets: it reaches 0 once the outcomes are committed.
          const counted = total(body, 'tagspace_events_total') === 12;
          return counted && total(body, 'tagspace_consumer_lag') === 0 ? body : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250, message: '12 events counted and committed on /metrics' },
      );
      expect(total(text, 'tagspace_ai_calls_total')).toBeGreaterThan(0);
      expect(total(text, 'tagspace_successful_calls_total')).toBe(
        total(text, 'tagspace_ai_calls_total') - total(text, 'tagspace_failed_calls_total'),
      );
      expect(total(text, 'tagspace_batch_size_sum')).toBe(12);
      expect(total(text, 'tagspace_edit_to_tag_seconds_count')).toBe(12);
      expect(total(text, 'tagspace_consumer_lag')).toBe(0);
      expect(total(text, 'tagspace_concurrency_limit')).toBeGreaterThan(0);
    } finally {
      run.child.kill('SIGTERM');
    }
    const exit = await run.exited;
    expect(exit.code, exit.stderr.slice(-2000)).toBe(0);
  });
});
