import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import type { PageEvent } from '../../src/model/page-event.js';
import { produceMessages, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import {
  committedOf,
  deliveryTopics,
  logsWith,
  pageMessage,
  pipelineArgs,
  readAll,
  startCli,
  writtenSoFar,
  type DeliveryTopics,
} from './support.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { seed: 21 } });
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(() => {
  sim.update({ gemini: { latencyMs: { median: 60 } }, openai: { latencyMs: { median: 60 } } });
});

/** One event per page, so "the outcome of an event is written" is "its page is on the tags topic". */
async function setUp(prefix: string, pages: number): Promise<{ t: DeliveryTopics; events: PageEvent[] }> {
  const t = await deliveryTopics(prefix);
  const { events } = generateSpace({ pages, seed: 8, spaceKey: 'SIG' });
  await produceMessages(t.events, events.map(pageMessage));
  return { t, events };
}

/** Pages of the events below each partition's committed offset, and pages on the tags topic. */
async function committedAndWritten(t: DeliveryTopics, group: string) {
  const committed = await committedOf(group, t.events);
  const input = await readAll(t.events);
  const below = new Set(
    input.filter((r) => r.offset < (committed.get(r.partition) ?? -1)).map((r) => r.key as string),
  );
  const tags = await readAll(t.tags);
  const written = new Set(tags.map((r) => r.key as string));
  return { below, written, committedTotal: [...committed.values()].reduce((a, b) => a + Math.max(0, b), 0) };
}

describe.each([
  { mode: 'at-least-once', flags: [] as string[] },
  { mode: 'exactly-once', flags: ['--exactly-once', '--instance-id', 'sig-eos'] },
])('SIGTERM during a run ($mode)', ({ mode, flags }) => {
  it('stops fetching, drains, writes and commits, and exits 0 within the deadline with committed offsets matching the written outcomes', async () => {
    const { t } = await setUp(`sig-${mode}`, 400);
    const group = uniqueTopic('sig-group');
    const run = startCli([
      'run',
      ...pipelineArgs(t, sim),
      ...['--group', group, '--commit-interval-ms', '200', '--max-in-flight', '40'],
      ...['--shutdown-timeout-ms', '20000', ...flags],
    ]);
    await waitFor(async () => (await writtenSoFar(t.tags)) >= 60, {
      timeoutMs: 60_000,
      message: 'the run to write 60 tag records',
    });
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    const result = await run.exited;
    const tookMs = Date.now() - signalledAt;
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(tookMs).toBeLessThan(20_000);
    expect(logsWith(result.stderr, 'shutting down: draining in-flight work')).toHaveLength(1);
    expect(logsWith(result.stderr, 'drain deadline passed: dropping unfinished work')).toHaveLength(0);

    const { below, written, committedTotal } = await committedAndWritten(t, group);
    // Stopped mid-run: fetching stopped, so not everything was read, let alone written.
    expect(committedTotal).toBeGreaterThan(0);
    expect(committedTotal).toBeLessThan(400);
    // Drained: what was read was written and committed, and nothing else was written.
    expect([...written].sort()).toEqual([...below].sort());
  });
});

describe('shutdown past its deadline', () => {
  it('drops what cannot finish in time, exits 0, and has committed only offsets whose outcomes are written', async () => {
    const { t } = await setUp('sig-deadline', 300);
    const group = uniqueTopic('sig-deadline-group');
    sim.update({ gemini: { latencyMs: { median: 300 } } });
    const run = startCli([
      'run',
      ...pipelineArgs(t, sim),
      ...['--group', group, '--commit-interval-ms', '200', '--shutdown-timeout-ms', '1500'],
      // One call of five pages at a time, 300 ms each, on one provider: about 18 s for the 300, so
      // most are still to do when the providers stop answering, however late a loaded machine
      // sees the first 30 written.
      ...['--batch-policy', 'fixed', '--concurrency', '1', '--max-concurrency', '1', '--spill', 'off'],
    ]);
    await waitFor(async () => (await writtenSoFar(t.tags)) >= 30, {
      timeoutMs: 60_000,
      message: 'the run to write 30 tag records',
    });
    // From now on both providers take a minute to answer: nothing in flight can finish, whichever
    // provider a batch went or spilled to.
    sim.update({ gemini: { latencyMs: { median: 60_000 } }, openai: { latencyMs: { median: 60_000 } } });
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    const result = await run.exited;
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(logsWith(result.stderr, 'drain deadline passed: dropping unfinished work')).toHaveLength(1);

    const { below, written, committedTotal } = await committedAndWritten(t, group);
    expect(committedTotal).toBeLessThan(300);
    // Every committed event's outcome is written; unwritten ones are re-read by the next run.
    expect([...below].filter((p) => !written.has(p))).toEqual([]);
  });

  it('exits at once with 130 on a second signal', async () => {
    const { t } = await setUp('sig-twice', 100);
    sim.update({ gemini: { latencyMs: { median: 60_000 } } });
    const run = startCli(['run', ...pipelineArgs(t, sim), '--group', uniqueTopic('sig-twice-group')]);
    await waitFor(() => run.stderr().includes('"partitions assigned"'), {
      timeoutMs: 60_000,
      message: 'the run to join its group',
    });
    run.child.kill('SIGTERM');
    await waitFor(() => run.stderr().includes('shutting down'), { message: 'the first signal to be seen' });
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    const result = await run.exited;
    expect(result.code).toBe(130);
    expect(Date.now() - signalledAt).toBeLessThan(3_000);
  });
});
