import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { cleanEnv, runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { produceMessages } from '../support/kafka.js';
import {
  deliveryTopics,
  KEYS,
  latestByKey,
  pageMessage,
  pipelineArgs,
  readAll,
  tagRecordOf,
} from './support.js';

/**
 * A bounded replay whose only provider cannot be reached gives up after --give-up-after-ms of no
 * provider serving: exit 1, the cause in one line, the summary — and nothing written that the
 * next replay, with the provider back, does not finish.
 */
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { seed: 71 } });
});

afterAll(async () => {
  await sim?.close();
});

/** The pipeline's arguments with Gemini alone, at `geminiBaseUrl`. */
function geminiOnly(args: string[], geminiBaseUrl: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--openai-base-url' || arg === '--gemini-base-url') i += 1;
    else out.push(arg);
  }
  return [...out, '--gemini-base-url', geminiBaseUrl];
}

describe('a replay whose provider is unreachable', () => {
  it('gives up with the cause and the summary, keeps what was tagged, and the next replay tags the rest', async () => {
    const t = await deliveryTopics('outage', { partitions: 2 });
    const { events } = generateSpace({ pages: 12, seed: 5, spaceKey: 'OUT' });
    const [before, after] = [events.slice(0, 6), events.slice(6)];
    const env = cleanEnv({ GEMINI_API_KEY: KEYS.GEMINI_API_KEY });
    const replay = (geminiBaseUrl: string, ...more: string[]) =>
      runCli(['replay', ...geminiOnly(pipelineArgs(t, sim), geminiBaseUrl), ...more], {
        env,
        timeoutMs: 90_000,
      });
    const taggedIds = async () => [...latestByKey(await readAll(t.tags)).keys()].sort();

    await produceMessages(t.events, before.map(pageMessage));
    const first = await replay(sim.geminiBaseUrl);
    expect(first.code, first.stderr.slice(-3000)).toBe(0);
    await produceMessages(t.events, after.map(pageMessage));

    const deadPort = await freePort();
    const started = Date.now();
    const down = await replay(`http://127.0.0.1:${deadPort}`, '--give-up-after-ms', '2000');
    const tookMs = Date.now() - started;
    expect(down.code, down.stderr.slice(-3000)).toBe(1);
    const lastLine = down.stderr.trim().split('\n').at(-1) ?? '';
    expect(lastLine).toMatch(
      new RegExp(
        `^tagspace: gave up: no provider has served for 2s: gemini not serving since \\S+: .*` +
          `gemini is unreachable at 127\\.0\\.0\\.1:${deadPort}: `,
      ),
    );
    // The breaker opens after five refusals in a row (about 7 s of backoff), then 2 s more.
    expect(tookMs).toBeLessThan(45_000);
    // The pages tagged before are restored and skipped; the new ones wait, and none is a dead letter.
    expect(down.stdout).toContain('tagged by the LLM 0');
    expect(down.stdout).toMatch(/skipped 6 \(stale 0, duplicate 6/);
    expect(down.stdout).toMatch(/gemini not serving since/);
    expect(down.stdout + down.stderr).not.toContain(KEYS.GEMINI_API_KEY);
    expect(await taggedIds()).toEqual(before.map((e) => e.pageId).sort());
    expect(await readAll(t.dlq)).toEqual([]);

    const back = await replay(sim.geminiBaseUrl);
    expect(back.code, back.stderr.slice(-3000)).toBe(0);
    expect(back.stdout).toContain('tagged by the LLM 6');
    expect(await taggedIds()).toEqual(events.map((e) => e.pageId).sort());
    for (const r of latestByKey(await readAll(t.tags)).values()) {
      expect(tagRecordOf(r)?.tags.length).toBeGreaterThan(0);
    }
  }, 180_000);
});
