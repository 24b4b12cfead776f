import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageEvent } from '../../src/model/page-event.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { CliProcess, CliResult } from '../support/cli.js';
import {
  healCluster,
  killNode,
  leaderOfMost,
  startNode,
  waitForInSync,
  waitForLeadersOff,
} from '../support/kafka-cluster.js';
import { endOffsets, produceMessages, testBrokers, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import {
  committedOf,
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
  type DeliveryTopics,
} from '../delivery/support.js';

/**
 * `tagspace run` tags 3,000 pages on a three-node cluster (replication factor 3,
 * min.insync.replicas=2) while the node leading the most input partitions is SIGKILLed, brought
 * back DOWN_MS later, and then the same again for the node leading the most by then. Each
 * repetition kills at other moments (after that many TagRecords were written). Whatever the
 * moment: the process never dies, every page ends with its TagRecord, nothing is dead-lettered,
 * the group's committed offsets reach the end offsets, exactly-once writes no (pageId, version)
 * twice, and SIGTERM ends the run with 0 within its shutdown deadline.
 */
const PAGES = 3000;
const LOG_DIR = path.join(os.tmpdir(), 'tagspace-failover');
const PARTITIONS = 6;
/**
 * The tags and dead-letter topics get 4: pages of one input partition then spread over several
 * output partitions (with 6, or 3, each input partition's pages share one), so the sink's writes
 * span brokers, as they do whenever several input partitions finish together.
 */
const OUTPUT_PARTITIONS = 4;
/** How long a killed node stays down. */
const DOWN_MS = 10_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;

/** Written TagRecords at which the first and the second node is killed. */
const KILL_MOMENTS = [
  { first: 150, second: 1200 },
  { first: 700, second: 1700 },
  { first: 1300, second: 2300 },
];

const MODES = [
  { mode: 'at-least-once', flags: [] as string[] },
  { mode: 'exactly-once', flags: ['--exactly-once'] },
];

let sim: Simulator;
let brokers: string[];

beforeAll(async () => {
  // Slow enough that 3,000 pages take about a minute: two failovers happen while tagging.
  sim = await startSimulator({ scenario: { seed: 15, gemini: { latencyMs: { median: 200 } } } });
  brokers = testBrokers();
});

afterAll(async () => {
  await sim?.close();
});

let began = Date.now();
/** What happened when, on the test's output: the kill moments a repetition actually hit. */
function note(what: string): void {
  console.log(`[failover ${((Date.now() - began) / 1000).toFixed(1)} s] ${what}`);
}

/** Fails at once when the run has exited: a failover must never end it. */
function alive(run: CliProcess): void {
  if (run.child.exitCode !== null || run.child.signalCode !== null) {
    throw new Error(
      `the run died (exit ${run.child.exitCode ?? run.child.signalCode}):\n${run.stderr().slice(-4000)}`,
    );
  }
}

async function waitForWritten(t: DeliveryTopics, run: CliProcess, count: number): Promise<void> {
  await waitFor(
    async () => {
      alive(run);
      return (await writtenSoFar(t.tags, brokers)) >= count;
    },
    { timeoutMs: 180_000, intervalMs: 50, message: `the run to write ${count} TagRecords` },
  ).catch((err: Error) => {
    alive(run);
    throw err;
  });
}

/**
 * Kills the node leading the most input partitions (of those not in `except`), waits for the
 * failover, brings it back, and waits until every replica is in sync again.
 */
async function failover(t: DeliveryTopics, run: CliProcess, except: number[] = []): Promise<number> {
  const { node, partitions } = await leaderOfMost(t.events, except);
  const killedAt = Date.now();
  await killNode(node);
  try {
    note(
      `killed node ${node}, the leader of input partitions ${partitions.join(',')}, at ${await written(t)}`,
    );
    await waitForLeadersOff([t.events, t.tags, t.dlq], node);
    note(`leaders moved off node ${node} at ${await written(t)}`);
    alive(run);
    const down = DOWN_MS - (Date.now() - killedAt);
    if (down > 0) await new Promise((resolve) => setTimeout(resolve, down)); // the outage, not a wait
  } finally {
    await startNode(node);
  }
  note(`node ${node} back at ${await written(t)}`);
  await waitForInSync([t.events, t.tags, t.dlq]);
  note(`every replica in sync at ${await written(t)}`);
  alive(run);
  return node;
}

/** How many TagRecords are on the tags topic, for the notes (a node being down may hide it). */
async function written(t: DeliveryTopics): Promise<string> {
  return writtenSoFar(t.tags, brokers).then(
    (n) => `${n} written`,
    () => '? written',
  );
}

/**
 * SIGTERM, and how long the run took to exit. One still alive well past its deadline is killed,
 * and the test fails saying so: something kept it running.
 */
async function terminate(run: CliProcess): Promise<{ result: CliResult; tookMs: number }> {
  const signalled = Date.now();
  run.child.kill('SIGTERM');
  const limit = SHUTDOWN_TIMEOUT_MS + 30_000;
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    run.exited,
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), limit))),
  ]).finally(() => clearTimeout(timer));
  if (result === undefined) {
    run.child.kill('SIGKILL');
    throw new Error(`the run was still alive ${limit} ms after SIGTERM:\n${run.stderr().slice(-4000)}`);
  }
  const tookMs = Date.now() - signalled;
  note(`SIGTERM: exit ${result.code} after ${tookMs} ms`);
  return { result, tookMs };
}

/** Ends a run the test gave up on, and keeps its whole log: the test output names the file. */
async function keepLog(run: CliProcess, name: string): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await run.exited;
  const file = path.join(LOG_DIR, `${name}.log`);
  await mkdir(LOG_DIR, { recursive: true });
  await writeFile(file, run.stderr());
  note(`the run's log: ${file}`);
}

/** For a failure message: the pages without their TagRecord, by input partition and offset. */
function whereMissing(events: readonly PageEvent[], missing: string[], byPage: Map<string, string>): string {
  const lines = missing.slice(0, 40).map((id) => `${id} (input ${byPage.get(id) ?? '?'})`);
  return `${missing.length} of ${events.length} pages have no TagRecord: ${lines.join(', ')}`;
}

describe.each(MODES)('two leader failovers while tagging $mode', ({ mode, flags }) => {
  it.each(KILL_MOMENTS)(
    'lose no page and end cleanly, with kills after $first and $second TagRecords',
    async ({ first, second }) => {
      await healCluster();
      began = Date.now();
      const t = await deliveryTopics(`failover-${mode}`, {
        partitions: PARTITIONS,
        outputPartitions: OUTPUT_PARTITIONS,
        brokers,
      });
      const { events } = generateSpace({ pages: PAGES, seed: first, spaceKey: 'FLV' });
      await produceMessages(t.events, events.map(pageMessage), brokers);
      const group = uniqueTopic(`failover-${mode}-group`);
      const run = startCli([
        'run',
        ...pipelineArgs(t, sim, brokers),
        ...['--group', group, '--instance-id', group, '--commit-interval-ms', '500'],
        ...['--concurrency', '2', '--max-concurrency', '2'],
        ...['--shutdown-timeout-ms', String(SHUTDOWN_TIMEOUT_MS), ...flags],
      ]);
      let stopped: { result: CliResult; tookMs: number };
      try {
        await waitForWritten(t, run, first);
        const firstNode = await failover(t, run);
        await waitForWritten(t, run, second);
        // Another node: the first may lead again by now (the brokers move leadership back to
        // the preferred replica every few minutes).
        await failover(t, run, [firstNode]);

        await waitForCommittedToEnd(group, t.events, { timeoutMs: 180_000, brokers });
        alive(run);
        note(`committed to the end, ${await written(t)}`);
        stopped = await terminate(run);
      } finally {
        await keepLog(run, group);
      }
      const { result, tookMs } = stopped;
      expect(result.code, result.stderr.slice(-4000)).toBe(0);
      expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      // It ended on its own: nothing was left open for the deadline to cut short.
      expect(logsWith(result.stderr, 'shutdown deadline passed: exiting with clients still open')).toEqual(
        [],
      );
      expect(logsWith(result.stderr, 'consumer event handler failed')).toEqual([]);

      const ends = await endOffsets(t.events);
      const committed = await committedOf(group, t.events, brokers);

      const tags = await readAll(t.tags, { isolation: 'read_committed', brokers });
      const inputs = await readAll(t.events, { brokers });
      const byPage = new Map(inputs.map((r) => [r.key ?? '', `${r.partition}@${r.offset}`]));
      const missing = missingLatest(events, tags);
      const duplicates = duplicateVersions(tags);
      const deadLetters = await readAll(t.dlq, { brokers });
      const atEnd = ends.every((e) => committed.get(e.partition) === e.offset);
      // One line per repetition, for the record of what each kill moment found.
      note(
        `${mode}: ${PAGES - missing.length} of ${PAGES} pages tagged, ${deadLetters.length} dead letters, ` +
          `committed ${atEnd ? '=' : '≠'} end offsets, ${duplicates.length} (pageId, version) written twice, ` +
          `SIGTERM exit ${result.code} in ${tookMs} ms`,
      );
      expect(ends.map((e) => committed.get(e.partition))).toEqual(ends.map((e) => e.offset));
      expect(missing, whereMissing(events, missing, byPage)).toEqual([]);
      if (mode === 'exactly-once') expect(duplicates).toEqual([]);
      expect(deadLetters).toEqual([]);
    },
  );
});
