import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { cleanEnv, logLines, runCli } from '../../support/cli.js';
import {
  consumeUntil,
  createTopics,
  produceMessages,
  testBrokers,
  uniqueTopic,
} from '../../support/kafka.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { seed: 5, gemini: { rpm: 1000, windowMs: 1000, latencyMs: { median: 10 } } },
  });
});

afterAll(async () => {
  await sim?.close();
});

describe('a replay whose summary file cannot be written', () => {
  it('keeps the tags it published and the report, and fails in one line naming the file', async () => {
    const topic = uniqueTopic('output-events');
    const tags = uniqueTopic('output-tags');
    await createTopics([
      { topic, partitions: 2 },
      { topic: tags, compact: true },
    ]);
    const { events } = generateSpace({ pages: 20, seed: 6, spaceKey: 'OUT' });
    await produceMessages(
      topic,
      events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
    );
    const report = join(mkdtempSync(join(tmpdir(), 'tagspace-replay-out-')), 'report.html');

    // /dev/full passes the start-up check and refuses the write itself, as a full disk does.
    const result = await runCli(
      [
        'replay',
        ...['--brokers', testBrokers().join(','), '--topic', topic, '--tags-topic', tags],
        ...['--dlq-topic', uniqueTopic('output-dlq'), '--gemini-base-url', sim.geminiBaseUrl],
        ...['--linger-ms', '50', '--summary-json', '/dev/full', '--report', report],
      ],
      { env: cleanEnv({ GEMINI_API_KEY: 'k' }), timeoutMs: 120_000 },
    );

    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('tagspace:'))).toEqual([
      expect.stringMatching(/^tagspace: cannot write --summary-json \/dev\/full: ENOSPC/),
    ]);
    expect(logLines(result.stderr).filter((l) => l.level === 'error')).toEqual([]);
    expect(result.stdout).toContain('[summary] 20 events');
    expect(readFileSync(report, 'utf8')).toContain('<html');
    const published = await consumeUntil(tags, 20);
    expect(new Set(published.map((m) => m.key))).toEqual(new Set(events.map((e) => e.pageId)));
  });
});
