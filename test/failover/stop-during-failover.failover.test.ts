import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { CliProcess } from '../support/cli.js';
import {
  groupCoordinator,
  healCluster,
  killNode,
  startNode,
  waitForInSync,
} from '../support/kafka-cluster.js';
import { produceMessages, testBrokers, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import {
  deliveryTopics,
  duplicateVersions,
  logsWith,
  missingLatest,
  pageMessage,
  pipelineArgs,
  readAll,
  startCli,
  waitForCommittedToEnd,
  writtenSoFar,
} from '../delivery/support.js';

/**
 * SIGTERM while the brokers are failing over: the node coordinating the run's consumer group is
 * SIGKILLed mid-run, and once the consumer has crashed on it (it reconnects, rejoins elsewhere) the
 * run is told to stop. It exits 0 within its shutdown deadline, whatever it could not finish; a
 * second run, once the node is back, finishes the work with nothing lost and, in exactly-once
 * mode, nothing written twice.
 */
const PAGES = 1500;
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** What the process takes to end once its deadline has come (exit, pipes drained). */
const EXIT_SLACK_MS = 1_500;

let sim: Simulator;
let brokers: string[];

beforeAll(async () => {
  sim = await startSimulator({ scenario: { seed: 16, gemini: { latencyMs: { median: 200 } } } });
  brokers = testBrokers();
});

afterAll(async () => {
  await sim?.close();
});

async function stopRun(run: CliProcess): Promise<{ code: number | null; tookMs: number; stderr: string }> {
  const signalled = Date.now();
  run.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    run.exited,
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 60_000))),
  ]).finally(() => clearTimeout(timer));
  if (result === undefined) {
    run.child.kill('SIGKILL');
    throw new Error(`the run was still alive 60 s after SIGTERM:\n${run.stderr().slice(-4000)}`);
  }
  return { code: result.code, tookMs: Date.now() - signalled, stderr: result.stderr };
}

describe.each([
  { mode: 'at-least-once', flags: [] as string[] },
  { mode: 'exactly-once', flags: ['--exactly-once'] },
])('SIGTERM during a failover ($mode)', ({ mode, flags }) => {
  it('ends the run with 0 within its deadline, and a second run loses nothing', async () => {
    await healCluster();
    const t = await deliveryTopics(`stop-${mode}`, { partitions: 6, outputPartitions: 4, brokers });
    const { events } = generateSpace({ pages: PAGES, seed: 23, spaceKey: 'STP' });
    await produceMessages(t.events, events.map(pageMessage), brokers);
    const group = uniqueTopic(`stop-${mode}-group`);
    const args = [
      'run',
      ...pipelineArgs(t, sim, brokers),
      ...['--group', group, '--instance-id', group, '--commit-interval-ms', '500'],
      ...['--concurrency', '2', '--max-concurrency', '2'],
      ...['--shutdown-timeout-ms', String(SHUTDOWN_TIMEOUT_MS), ...flags],
    ];

    const first = startCli(args);
    await waitFor(async () => (await writtenSoFar(t.tags, brokers)) >= 200, {
      timeoutMs: 120_000,
      intervalMs: 100,
      message: 'the first run to write 200 TagRecords',
    });
    const coordinator = await groupCoordinator(group);
    await killNode(coordinator);
    try {
      // The consumer notices its coordinator is gone: it crashes and reconnects.
      await waitFor(() => logsWith(first.stderr(), 'consumer crashed').length > 0, {
        timeoutMs: 60_000,
        intervalMs: 50,
        message: 'the consumer to crash on its dead coordinator',
      }).catch(() => undefined);
      expect(first.child.exitCode).toBeNull();
      const stopped = await stopRun(first);
      const crashed = logsWith(first.stderr(), 'consumer crashed').length > 0;
      console.log(
        `[stop ${mode}] SIGTERM with node ${coordinator} down (consumer crashed: ${crashed}): exit ${stopped.code} after ${stopped.tookMs} ms`,
      );
      expect(stopped.code, stopped.stderr.slice(-3000)).toBe(0);
      expect(stopped.tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
    } finally {
      await startNode(coordinator);
    }
    await waitForInSync([t.events, t.tags, t.dlq]);

    const second = startCli(args);
    // Stopped only once it is a member: the first run may have committed everything before its
    // stop, and a signal to a process still loading says nothing about the stop under test. A
    // wait that fails is reported as itself, after the run is stopped.
    const waited = await (async () => {
      await waitFor(() => logsWith(second.stderr(), 'partitions assigned').length > 0, {
        timeoutMs: 120_000,
        intervalMs: 50,
        message: 'the second run to be assigned its partitions',
      });
      await waitForCommittedToEnd(group, t.events, { timeoutMs: 240_000, brokers });
    })().then(
      () => undefined,
      (err: unknown) => err,
    );
    const secondStop = await stopRun(second);
    if (waited !== undefined) throw waited;
    console.log(`[stop ${mode}] second run: SIGTERM, exit ${secondStop.code} after ${secondStop.tookMs} ms`);
    expect(secondStop.code, secondStop.stderr.slice(-3000)).toBe(0);
    expect(secondStop.tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
    const tags = await readAll(t.tags, { isolation: 'read_committed', brokers });
    const missing = missingLatest(events, tags);
    const duplicates = duplicateVersions(tags);
    const deadLetters = await readAll(t.dlq, { brokers });
    console.log(
      `[stop ${mode}] after the second run: ${PAGES - missing.length} of ${PAGES} pages tagged, ` +
        `${deadLetters.length} dead letters, ${duplicates.length} (pageId, version) written twice`,
    );
    expect(missing).toEqual([]);
    if (mode === 'exactly-once') expect(duplicates).toEqual([]);
    expect(deadLetters).toEqual([]);
  });
});
