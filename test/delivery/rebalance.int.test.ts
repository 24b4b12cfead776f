import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageEvent } from '../../src/model/page-event.js';
import { editPages } from '../../src/gen/edit-space.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { produceMessages, uniqueTopic } from '../support/kafka.js';
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
} from './support.js';

/**
 * A second member joins the group mid-run: the first loses partitions with work in flight (its
 * whole backlog is in flight: --max-in-flight is above the topic's size), drops their outcomes,
 * and the second re-reads them from the last commit. Nothing may be lost, and in exactly-once mode
 * nothing may be written twice.
 */
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { seed: 53, gemini: { latencyMs: { median: 150 } } } });
});

afterAll(async () => {
  await sim?.close();
});

describe.concurrent.each([
  { mode: 'at-least-once', flags: [] as string[] },
  { mode: 'exactly-once', flags: ['--exactly-once'] },
])('a second consumer joining mid-run ($mode)', ({ mode, flags }) => {
  it('loses nothing, and in exactly-once mode duplicates nothing', async () => {
    const t = await deliveryTopics(`rebalance-${mode}`, { partitions: 4 });
    const { events: created } = generateSpace({ pages: 1200, seed: 91, spaceKey: 'RBL' });
    const events: PageEvent[] = [...created, ...editPages(created, { count: 300, seed: 2, kind: 'content' })];
    await produceMessages(t.events, events.map(pageMessage));
    const group = uniqueTopic(`rebalance-${mode}-group`);
    const args = (instance: string) => [
      'run',
      ...pipelineArgs(t, sim),
      ...['--group', group, '--instance-id', instance, '--commit-interval-ms', '200', ...flags],
      // Slow enough that the second member joins with most of the work still to do: two calls at
      // a time, five pages each, none spilled to the other provider.
      ...['--concurrency', '2', '--max-concurrency', '2', '--max-in-flight', '2000'],
      ...['--batch-policy', 'fixed', '--spill', 'off'],
    ];

    const first = startCli(args(`${mode}-a`));
    await waitFor(async () => (await writtenSoFar(t.tags)) >= 150, {
      timeoutMs: 90_000,
      message: 'the first member to write 150 records',
    });
    const second = startCli(args(`${mode}-b`));
    try {
      await waitFor(
        () =>
          logsWith(second.stderr(), 'partitions assigned').some((l) => (l.partitions as number[]).length > 0),
        {
          timeoutMs: 60_000,
          message: 'the second member to be assigned partitions',
        },
      );
      await waitForCommittedToEnd(group, t.events, { timeoutMs: 90_000 }).catch((err: unknown) => {
        throw new Error(
          `${(err as Error).message}\n--- first ---\n${first.stderr().slice(-4000)}\n--- second ---\n${second.stderr().slice(-4000)}`,
        );
      });
    } finally {
      first.child.kill('SIGTERM');
      second.child.kill('SIGTERM');
    }
    const [a, b] = await Promise.all([first.exited, second.exited]);
    expect(a.code, a.stderr.slice(-3000)).toBe(0);
    expect(b.code, b.stderr.slice(-3000)).toBe(0);

    // The first member lost partitions while it had their events in flight.
    const lost = logsWith(a.stderr, 'partitions assigned').flatMap((l) => l.lost as number[]);
    expect(lost.length).toBeGreaterThan(0);
    // Its pages of those partitions that had not gone to the provider were dropped at once.
    const dropped = logsWith(a.stderr, 'dropped unsent work of lost partitions');
    expect(dropped.reduce((n, l) => n + (l.waiting as number), 0)).toBeGreaterThan(0);
    const tags = await readAll(t.tags, { isolation: 'read_committed' });
    expect(missingLatest(events, tags)).toEqual([]);
    if (mode === 'exactly-once') expect(duplicateVersions(tags)).toEqual([]);
    expect(await readAll(t.dlq)).toEqual([]);
  });
});
