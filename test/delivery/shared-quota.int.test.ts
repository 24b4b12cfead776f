import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { cleanEnv, spawnScaledRun, type CliProcess } from '../support/cli.js';
import { produceMessages, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';
import { RefusalTimeline, type Phase } from '../support/refusal-timeline.js';
import { instanceTag } from '../../src/model/instance-header.js';
import {
  deliveryTopics,
  duplicateVersions,
  logsWith,
  missingLatest,
  pageMessage,
  KEYS,
  pipelineArgs,
  readAll,
  readSettled,
  waitForCommittedToEnd,
  writtenSoFar,
} from './support.js';

/**
 * Three `tagspace run` processes in one group, on one key, against one simulator quota (every
 * client of the simulator draws from it): they find each other on the quota topic and split the
 * key; when one is killed (-9) or stopped (SIGTERM), the others take its share up — within the
 * session timeout plus two windows, or at once for a stop — and finish the work, nothing lost and,
 * in exactly-once mode, nothing written twice.
 *
 * OpenAI alone, on a shrunk clock so the test runs in seconds: the simulator's window is 5 s and its
 * 429s say "per min", so the processes run with a 5 s minute (bench/scaled-run.ts, as bench/quota's
 * multi-instance section runs them).
 */
const WINDOW_MS = 5_000;
const SESSION_MS = 6_000;
const PAGES = 600;
const OPENAI_ONLY = { OPENAI_API_KEY: KEYS.OPENAI_API_KEY };
/** The simulator's window is its minute: the processes' minute shrinks alike (bench/scaled-run.ts). */
const SCALE = WINDOW_MS / 60_000;

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: { seed: 29, openai: { rpm: 30, windowMs: WINDOW_MS, latencyMs: { median: 150 } } },
  });
});

afterAll(async () => {
  await sim?.close();
});

interface Shares {
  at: number;
  instances: number;
  fraction: number;
}

/** An instance's 'quota share changed' lines, oldest first. */
function sharesOf(p: CliProcess): Shares[] {
  return logsWith(p.stderr(), 'quota share changed').map((l) => ({
    at: Date.parse(l.time as string),
    instances: l.instances as number,
    fraction: l.fraction as number,
  }));
}

async function threeInstances(name: string, flags: string[] = []) {
  const t = await deliveryTopics(name, { partitions: 6 });
  const { events } = generateSpace({ pages: PAGES, seed: 31, spaceKey: 'SHQ' });
  await produceMessages(t.events, events.map(pageMessage));
  const group = uniqueTopic(`${name}-group`);
  const args = (id: string) => [
    // OpenAI alone: a Gemini base URL without a key would run Gemini keyless, ahead of OpenAI.
    ...withoutGemini(pipelineArgs(t, sim)),
    ...['--group', group, '--instance-id', `${name}-${id}`],
    ...['--session-timeout-ms', String(SESSION_MS), '--commit-interval-ms', '200', ...flags],
    // Five pages a call, so the run is bound by the quota's requests (adaptive batching would grow
    // the batches until requests no longer bind, and the run would be over in two windows).
    ...['--batch-policy', 'fixed', '--batch-size', '5'],
  ];
  const before = sim.stats().openai;
  const timeline = new RefusalTimeline(sim, 'openai');
  const runs = ['a', 'b', 'c'].map((id) => spawnScaledRun(SCALE, args(id), cleanEnv(OPENAI_ONLY)));
  const names = new Map(['a', 'b', 'c'].map((id) => [instanceTag(`${name}-${id}`), id]));
  /**
   * Per instance and phase: the first two windows, `more`, and the rest ('steady'); and the group's
   * requests and 429s after the first two windows.
   */
  const refusals = (more: Phase[] = []) => {
    timeline.stop();
    const first = timeline.firstRequestAt ?? 0;
    const phases = [{ name: 'cold', from: first, to: first + 2 * WINDOW_MS }, ...more];
    const group = timeline.counts(phases).get('*');
    const [all, cold] = [group?.get('*'), group?.get('cold')];
    const requests = (all?.requests ?? 0) - (cold?.requests ?? 0);
    const rateLimited = (all?.rateLimited ?? 0) - (cold?.rateLimited ?? 0);
    return { text: timeline.describe(phases, names), afterCold: { requests, rateLimited } };
  };
  const stats = () => {
    const now = sim.stats().openai;
    return { requests: now.requests - before.requests, rateLimited: now.rateLimited - before.rateLimited };
  };
  return { t, events, group, runs, stats, refusals };
}

function withoutGemini(args: string[]): string[] {
  const at = args.indexOf('--gemini-base-url');
  return at < 0 ? args : [...args.slice(0, at), ...args.slice(at + 2)];
}

const percent = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(1)} %`;

/**
 * The group's 429s. Once the first two windows are over (the key's quota known to all), through a
 * kill or a stop and the steady run: the target is 2 %; 0–1.6 % in the 24 runs of 2026-12-05 (a
 * loaded two-core host, load 2–4), the bound leaves room for a host whose send lags put calls at a
 * window's edge (0–7.6 % measured before the gate had a send margin).
 *
 * The whole run, cold start included (the aggregate, target 2 %): OpenAI reports the key's
 * limits on its first answer and the three split them from then (SharedPacer, "Reported limits"),
 * each dates its calls from when the provider got them ("Slow sends"), and the three start as one
 * (the quota reader joins before the consumer, even on an empty topic). Six runs of each test on a
 * broker with the 3 s first-join delay: 0–3 429s of 120–124 requests (0–2.4 %), against 2–7 of
 * 122–127 (1.6–5.5 %) before, in the first two windows every time; what is left comes at the first
 * window's turn with hints of 2–24 ms. Held to 6 %, twice and a half the worst run (12 % before).
 */
function expectFewRefusals(
  after: { requests: number; rateLimited: number },
  all: { requests: number; rateLimited: number },
): void {
  expect(after.requests).toBeGreaterThan(0);
  expect(after.rateLimited / after.requests).toBeLessThanOrEqual(0.05);
  expect(all.rateLimited / all.requests).toBeLessThanOrEqual(0.06);
}

/** The runs' whole logs, kept for a failure to be read after the fact (the path is printed). */
function keepLogs(group: string, runs: CliProcess[]): void {
  const dir = path.join(tmpdir(), 'tagspace-shared-quota');
  mkdirSync(dir, { recursive: true });
  runs.forEach((r, i) => writeFileSync(path.join(dir, `${group}-${i}.log`), r.stderr()));
  console.log(`shared quota: the runs' logs are in ${dir}/${group}-*.log`);
}

const dump = (runs: CliProcess[]) =>
  runs.map((r, i) => `--- ${i} ---\n${r.stderr().slice(-3000)}`).join('\n');

describe('three instances sharing one key', () => {
  it(
    'split it in thirds, and when one is killed the other two take its share up and finish the work',
    { timeout: 300_000 },
    async () => {
      const { t, events, group, runs, stats, refusals } = await threeInstances('shq-kill', [
        '--exactly-once',
      ]);
      const [a, b, c] = runs as [CliProcess, CliProcess, CliProcess];
      let tookUp = Infinity;
      let killedAt = Infinity;
      try {
        await waitFor(
          () => runs.every((r) => sharesOf(r).some((s) => s.instances === 3 && s.fraction < 0.4)),
          {
            timeoutMs: 60_000,
            message: 'every instance to see all three and hold about a third',
          },
        );
        await waitFor(async () => (await writtenSoFar(t.tags)) >= PAGES / 2, {
          timeoutMs: 90_000,
          message: `half the pages to be written`,
        });
        killedAt = Date.now();
        c.child.kill('SIGKILL');
        await waitFor(
          () => [a, b].every((r) => sharesOf(r).some((s) => s.at >= killedAt && s.instances === 2)),
          {
            timeoutMs: SESSION_MS + 2 * WINDOW_MS + 5_000,
            message: 'the survivors to see two instances',
          },
        );
        tookUp = Math.max(
          ...[a, b].map(
            (r) =>
              (sharesOf(r).find((s) => s.at >= killedAt && s.instances === 2)?.at ?? Infinity) - killedAt,
          ),
        );
        // Session timeout plus two windows, and a report interval of slack.
        expect(tookUp).toBeLessThanOrEqual(SESSION_MS + 2 * WINDOW_MS + 1_000);
        await waitForCommittedToEnd(group, t.events, { timeoutMs: 150_000 }).catch((err: unknown) => {
          throw new Error(`${(err as Error).message}\n${dump(runs)}`);
        });
      } finally {
        for (const r of [a, b]) r.child.kill('SIGTERM');
      }
      const results = await Promise.all(runs.map((r) => r.exited));
      keepLogs(group, runs);
      expect(results[2]?.signal).toBe('SIGKILL');
      for (const r of results.slice(0, 2)) expect(r.code, r.stderr.slice(-3000)).toBe(0);
      // The killed instance's open transaction (if it had one) holds read_committed readers back
      // until the broker aborts it; what the others committed after it shows then.
      const { tags, waitedMs } = await readSettled(t.tags, events);
      console.log(`shared quota, one killed: every page visible read_committed after ${waitedMs} ms`);
      expect(missingLatest(events, tags)).toEqual([]);
      expect(duplicateVersions(tags)).toEqual([]);
      const { requests, rateLimited } = stats();
      const phases = refusals([{ name: 'kill', from: killedAt, to: killedAt + SESSION_MS + 2 * WINDOW_MS }]);
      console.log(
        `shared quota, one killed: ${requests} requests, ${rateLimited} 429s (${percent(rateLimited, requests)}), took up its share in ${tookUp} ms; after the first two windows ${percent(phases.afterCold.rateLimited, phases.afterCold.requests)}\n${phases.text}`,
      );
      expectFewRefusals(phases.afterCold, { requests, rateLimited });
    },
  );

  it(
    'take up the share of an instance that stops (SIGTERM) at once, and finish the work',
    { timeout: 300_000 },
    async () => {
      const { t, events, group, runs, stats, refusals } = await threeInstances('shq-term');
      const [a, b, c] = runs as [CliProcess, CliProcess, CliProcess];
      let leftAt = Infinity;
      try {
        await waitFor(() => runs.every((r) => sharesOf(r).some((s) => s.instances === 3)), {
          timeoutMs: 60_000,
          message: 'every instance to see all three',
        });
        await waitFor(async () => (await writtenSoFar(t.tags)) >= PAGES / 2, {
          timeoutMs: 90_000,
          message: `half the pages to be written`,
        });
        c.child.kill('SIGTERM');
        const stopped = await c.exited;
        expect(stopped.code, stopped.stderr.slice(-3000)).toBe(0);
        leftAt = Date.now();
        await waitFor(() => [a, b].every((r) => sharesOf(r).some((s) => s.instances === 2)), {
          timeoutMs: 2 * WINDOW_MS,
          message: 'the others to see it gone',
        });
        // It said goodbye: the others knew before it had even exited.
        for (const r of [a, b])
          expect(sharesOf(r).find((s) => s.instances === 2)?.at ?? Infinity).toBeLessThanOrEqual(
            leftAt + 1_000,
          );
        await waitForCommittedToEnd(group, t.events, { timeoutMs: 150_000 }).catch((err: unknown) => {
          throw new Error(`${(err as Error).message}\n${dump(runs)}`);
        });
      } finally {
        for (const r of [a, b]) r.child.kill('SIGTERM');
      }
      for (const r of await Promise.all([a.exited, b.exited])) expect(r.code, r.stderr.slice(-3000)).toBe(0);
      keepLogs(group, runs);
      const tags = await readAll(t.tags);
      expect(missingLatest(events, tags)).toEqual([]);
      const { requests, rateLimited } = stats();
      const phases = refusals([{ name: 'stop', from: leftAt, to: leftAt + 2 * WINDOW_MS }]);
      console.log(
        `shared quota, one stopped: ${requests} requests, ${rateLimited} 429s (${percent(rateLimited, requests)}); after the first two windows ${percent(phases.afterCold.rateLimited, phases.afterCold.requests)}\n${phases.text}`,
      );
      expectFewRefusals(phases.afterCold, { requests, rateLimited });
    },
  );
});
