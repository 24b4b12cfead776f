import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { startConfluenceSim } from '../../src/sim/confluence/start-confluence-sim.js';
import { loopEnv } from '../confluence/loop-kit.js';
import { logLines, spawnCli } from '../support/cli.js';
import {
  type PrivateBroker,
  privateBrokerPort,
  produceMessages,
  startPrivateBroker,
  uniqueTopic,
} from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import {
  deliveryTopics,
  duplicateVersions,
  missingLatest,
  pageMessage,
  pipelineArgs,
  readAll,
  startCli,
  writtenSoFar,
} from './support.js';

/**
 * The broker goes down in the middle of a replay and comes back: the replay waits for it (the
 * producer retries, the consumer restarts and rejoins) and completes with nothing lost; a run and
 * an ingest say it on /readyz while it lasts. A private broker on its own port, so the shared one
 * other tests use is not disturbed.
 */
const PORT = privateBrokerPort(2);

let sim: Simulator;
let broker: PrivateBroker;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { seed: 67, gemini: { latencyMs: { median: 40 } } } });
  broker = await startPrivateBroker(PORT);
});

afterAll(async () => {
  await broker?.stop();
  await sim?.close();
});

describe('a broker restart in the middle of a replay', () => {
  it.each([
    { mode: 'at-least-once', flags: [] as string[] },
    { mode: 'exactly-once', flags: ['--exactly-once', '--instance-id', 'broker-restart'] },
  ])('does not stop the replay, which completes with nothing lost ($mode)', async ({ mode, flags }) => {
    const { brokers } = broker;
    const t = await deliveryTopics(`broker-${mode}`, { brokers });
    const { events } = generateSpace({ pages: 800, seed: 19, spaceKey: 'BRK' });
    await produceMessages(t.events, events.map(pageMessage), brokers);

    const replay = startCli([
      'replay',
      ...pipelineArgs(t, sim, brokers),
      ...['--concurrency', '2', '--max-concurrency', '2', '--commit-interval-ms', '200', ...flags],
    ]);
    await waitFor(async () => (await writtenSoFar(t.tags, brokers)) >= 100, {
      timeoutMs: 60_000,
      message: 'the replay to write 100 records',
    });
    await broker.stop();
    await broker.start();
    const result = await Promise.race([
      replay.exited,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`replay still running:\n${replay.stderr().slice(-4000)}`)),
          150_000,
        ),
      ),
    ]);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);

    const tags = await readAll(t.tags, { brokers });
    expect(missingLatest(events, tags)).toEqual([]);
    if (mode === 'exactly-once') expect(duplicateVersions(tags)).toEqual([]);
    expect(await readAll(t.dlq, { brokers })).toEqual([]);
  });
});

describe('a run whose broker goes down', () => {
  it('turns /readyz not ready within a session timeout of the broker going, and ready again once it is back, the quota sharing client quiet meanwhile', async () => {
    const { brokers } = broker;
    const t = await deliveryTopics('readiness', { brokers });
    const run = startCli(['run', ...pipelineArgs(t, sim, brokers), '--session-timeout-ms', '6000']);
    try {
      const metrics = await waitFor(
        () =>
          logLines(run.stderr()).find((l) => l.msg === 'metrics server listening')?.url as string | undefined,
        { timeoutMs: 60_000, message: 'the metrics server to listen' },
      );
      const readyz = async () => (await fetch(metrics.replace(/\/metrics$/, '/readyz'))).status;
      await waitFor(async () => (await readyz()) === 200, {
        timeoutMs: 60_000,
        message: 'the run to be ready',
      });

      await broker.stop();
      const stopped = Date.now();
      await waitFor(async () => (await readyz()) === 503, {
        timeoutMs: 30_000,
        intervalMs: 250,
        message: '/readyz to answer 503 with the broker down',
      });
      // Not at once: a coordinator that misses a heartbeat or two (a leader moving) is not an outage.
      expect(Date.now() - stopped).toBeGreaterThanOrEqual(5_000);
      // Readiness reads the clock; the line comes from a timer and through a pipe: a moment later.
      const lost = () =>
        logLines(run.stderr()).filter(
          (l) => l.msg === 'group coordinator silent for a session timeout; not ready',
        );
      await waitFor(() => lost().length > 0, {
        timeoutMs: 10_000,
        message: 'the line saying the coordinator went silent',
      });
      expect(lost()).toHaveLength(1);

      // The outage is the job's to say; quota sharing says it once, in its own lines, and its
      // client's kafkajs retries (four error lines a second) stay at debug.
      const quotaClient = logLines(run.stderr()).filter(
        (l) =>
          l.component === 'kafka' &&
          l.level !== 'debug' &&
          (l.clientId === 'tagspace-quota' || String(l.groupId).includes('-quota-')),
      );
      expect(quotaClient.map((l) => l.msg)).toEqual([]);

      await broker.start();
      await waitFor(async () => (await readyz()) === 200, {
        timeoutMs: 90_000,
        intervalMs: 250,
        message: '/readyz to answer 200 once the broker is back',
      });
      expect(logLines(run.stderr()).some((l) => l.msg === 'group coordinator answers again')).toBe(true);
    } finally {
      run.child.kill('SIGTERM');
    }
    const exit = await run.exited;
    expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
  });
});

describe('ingest --follow whose broker goes down', () => {
  it('turns /readyz not ready once a write has waited 10 s, says so once, and writes the edit made meanwhile once the broker is back', async () => {
    const { brokers } = broker;
    const wiki = await startConfluenceSim({ spaces: [{ key: 'BRK', pages: 5, seed: 4 }] });
    const events = uniqueTopic('ingest-outage-events');
    const ingest = spawnCli(
      [
        'ingest',
        ...['--confluence-url', wiki.url, '--space', 'BRK', '--brokers', brokers.join(',')],
        ...['--topic', events, '--checkpoint-topic', `${events}-checkpoints`],
        ...['--follow', '--poll-interval-ms', '300', '--metrics-port', '0', '--metrics-host', '127.0.0.1'],
      ],
      loopEnv(),
    );
    try {
      await waitFor(() => ingest.stderr().includes('space crawled'), {
        timeoutMs: 60_000,
        message: 'the crawl',
      });
      const metrics = await waitFor(
        () =>
          logLines(ingest.stderr()).find((l) => l.msg === 'metrics server listening')?.url as
            string | undefined,
        { timeoutMs: 10_000, message: 'the metrics server to listen' },
      );
      const readyz = async () => (await fetch(metrics.replace(/\/metrics$/, '/readyz'))).status;
      await waitFor(async () => (await readyz()) === 200, {
        timeoutMs: 30_000,
        message: 'ingest to be ready',
      });

      await broker.stop();
      const [page] = wiki.editPages({ count: 1, seed: 3, spaceKey: 'BRK' });
      await waitFor(async () => (await readyz()) === 503, {
        timeoutMs: 60_000,
        intervalMs: 250,
        message: '/readyz to answer 503 while the edit waits for Kafka',
      });
      // Readiness reads the clock; the line comes from a timer and through a pipe: a moment later.
      const stalled = () =>
        logLines(ingest.stderr()).filter((l) => l.msg === 'events not yet written to Kafka; still trying');
      await waitFor(() => stalled().length > 0, {
        timeoutMs: 10_000,
        message: 'the line saying the edit waits for Kafka',
      });
      expect(stalled()).toHaveLength(1);

      await broker.start();
      await waitFor(async () => (await readyz()) === 200, {
        timeoutMs: 120_000,
        intervalMs: 250,
        message: '/readyz to answer 200 once the edit is written',
      });
      expect(logLines(ingest.stderr()).some((l) => l.msg === 'events written to Kafka again')).toBe(true);
      const edit = await waitFor(
        async () =>
          (await readAll(events, { brokers })).find(
            (r) => r.key === page?.id && String(r.value).includes('"page_updated"'),
          ),
        { timeoutMs: 30_000, intervalMs: 500, message: 'the edit made while the broker was down' },
      );
      expect(edit).toBeDefined();
    } finally {
      ingest.child.kill('SIGTERM');
      await ingest.exited;
      await wiki.close();
    }
  });
});
