import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageEvent } from '../../src/model/page-event.js';
import { editPages } from '../../src/gen/edit-space.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { seededRandom } from '../../src/gen/random.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { committedOffsets, endOffsets, produceMessages, uniqueTopic } from '../support/kafka.js';
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
 * Kill -9 at a random moment, five times over, during a 2,000-event run (1,600 pages, 400 of them
 * edited), then one last run to the end. Nothing may be lost: every page ends on the tags topic with
 * its newest version. In exactly-once mode the read_committed tags topic has no (pageId, version)
 * twice. A kill lands once the run has written at least KILL_AFTER records since it started, plus a
 * random delay, so it hits work in flight (the provider answers in ~40 ms).
 *
 * The events arrive in STAGES parts, one before each run: a run writes as many records as it can
 * before the kill lands (under load, several hundred past KILL_AFTER), so with every event there at
 * the start the first runs could finish them all, and a later run — with nothing, or fewer than
 * KILL_AFTER records, left to write — waited for records no correct run writes. Each part holds at
 * least 319 pages at a version never tagged before, so each run has at least that many records of
 * its own to write, more than KILL_AFTER.
 */
const KILLS = 5;
const KILL_AFTER = 120;
const STAGES = KILLS + 1;
/**
 * All the waits of one test share this, inside the integration project's 180 s test timeout: a
 * stall fails a wait, which shows the stalled run's log, rather than the test's bare timeout.
 */
const WAITS_MS = 160_000;

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { seed: 41, gemini: { latencyMs: { median: 40 } } } });
});

afterAll(async () => {
  await sim?.close();
});

describe.concurrent.each([
  { mode: 'at-least-once', flags: [] as string[] },
  { mode: 'exactly-once', flags: ['--exactly-once'] },
])('kill -9 and restart ($mode)', ({ mode, flags }) => {
  it('loses no event over five kills, and in exactly-once mode writes no (pageId, version) twice', async () => {
    const t = await deliveryTopics(`crash-${mode}`);
    const { events: created } = generateSpace({ pages: 1600, seed: 77, spaceKey: 'CRS' });
    const events: PageEvent[] = [...created, ...editPages(created, { count: 400, seed: 6, kind: 'content' })];
    const parts = Array.from({ length: STAGES }, (_, i) =>
      events.slice(Math.floor((i * events.length) / STAGES), Math.floor(((i + 1) * events.length) / STAGES)),
    );
    // What each killed run is sure to have to write: one record per page of its part at least.
    for (const part of parts.slice(0, KILLS))
      expect(new Set(part.map((e) => e.pageId)).size).toBeGreaterThan(KILL_AFTER);
    const group = uniqueTopic(`crash-${mode}-group`);
    const deadline = Date.now() + WAITS_MS;
    const left = (atMost: number) => Math.max(1_000, Math.min(atMost, deadline - Date.now()));
    // Where a stalled run stood: the group's committed offsets against the input's end (at the end,
    // it had nothing left to do), and its last log lines.
    const stalled = async (err: unknown, stderr: string) => {
      const position = JSON.stringify({
        committed: await committedOffsets(group, t.events),
        end: await endOffsets(t.events),
      });
      return new Error(`${String(err)}\n${position}\n${stderr.slice(-4000)}`);
    };
    const args = [
      'run',
      ...pipelineArgs(t, sim),
      ...['--group', group, '--instance-id', `crash-${mode}`, '--commit-interval-ms', '100', ...flags],
      // The killed member holds its partitions until the broker drops it: the shortest it allows.
      ...['--session-timeout-ms', '6000'],
    ];
    const random = seededRandom(mode === 'exactly-once' ? 2 : 1);

    for (let kill = 1; kill <= KILLS; kill++) {
      await produceMessages(t.events, (parts[kill - 1] ?? []).map(pageMessage));
      const before = await writtenSoFar(t.tags);
      const run = startCli(args);
      await waitFor(async () => (await writtenSoFar(t.tags)) >= before + KILL_AFTER, {
        timeoutMs: left(90_000),
        intervalMs: 25,
        message: `run ${kill} to write ${KILL_AFTER} records`,
      }).catch(async (err: unknown) => {
        run.child.kill('SIGKILL');
        throw await stalled(err, run.stderr());
      });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 150)));
      run.child.kill('SIGKILL');
      const { signal } = await run.exited;
      expect(signal).toBe('SIGKILL');
    }

    await produceMessages(t.events, (parts[KILLS] ?? []).map(pageMessage));
    const last = startCli(args);
    try {
      // Stopped only once it is a member: a signal to a process still starting says nothing about
      // the stop under test.
      await waitFor(() => logsWith(last.stderr(), 'partitions assigned').length > 0, {
        timeoutMs: left(60_000),
        intervalMs: 50,
        message: 'the last run to be assigned its partitions',
      });
      await waitForCommittedToEnd(group, t.events, { timeoutMs: left(120_000) });
    } catch (err) {
      throw await stalled(err, last.stderr());
    } finally {
      last.child.kill('SIGTERM');
    }
    const result = await last.exited;
    expect(result.code, result.stderr.slice(-3000)).toBe(0);

    const tags = await readAll(t.tags, { isolation: 'read_committed' });
    expect(missingLatest(events, tags)).toEqual([]);
    if (mode === 'exactly-once') expect(duplicateVersions(tags)).toEqual([]);
    expect(await readAll(t.dlq)).toEqual([]);
  });
});
