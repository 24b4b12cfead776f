import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../../src/sim/simulator.js';
import { cleanEnv, runCli } from '../../support/cli.js';
import { produceMessages, testBrokers, withAdmin } from '../../support/kafka.js';
import {
  deliveryTopics,
  latestByKey,
  pageMessage,
  pipelineArgs,
  readAll,
  tagRecordOf,
} from '../../delivery/support.js';

/**
 * Start-up proves each provider's key and model with a request that costs no quota. Before, a wrong
 * key was found at the first page's call: on a quiet topic a run sat ready for hours with a key
 * that could never serve.
 */
const RIGHT = {
  gemini: 'AIzaSyRightCheckKey0123456789abcdefghij',
  openai: 'sk-rightcheck-0123456789abcdefghij',
};
const WRONG = {
  gemini: 'AIzaSyWrongCheckKey0123456789abcdefghij',
  openai: 'sk-wrongcheck-0123456789abcdefghij',
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: { seed: 3, gemini: { apiKey: RIGHT.gemini }, openai: { apiKey: RIGHT.openai } },
  });
});
afterAll(async () => {
  await sim?.close();
});

/** The pipeline's arguments with Gemini's base URL only: OpenAI not configured. */
const geminiOnly = (args: string[]) =>
  args.filter((a, i) => a !== '--openai-base-url' && args[i - 1] !== '--openai-base-url');

const notInfo = (stderr: string) =>
  stderr.split('\n').filter((l) => l !== '' && !l.includes('"level":"info"'));

describe('tagspace run with a key its provider refuses', () => {
  it('stops start-up on an empty topic in seconds, exit 2, naming the setting and never the key, and creates nothing', async () => {
    const t = await deliveryTopics('check-wrong');
    const tags = `${t.tags}-unmade`;
    sim.resetStats();
    const started = Date.now();
    const r = await runCli(
      ['run', ...geminiOnly(pipelineArgs({ ...t, tags }, sim)), '--group', `${t.events}-g`],
      {
        env: cleanEnv({ GEMINI_API_KEY: WRONG.gemini }),
        timeoutMs: 60_000,
      },
    );
    expect(r.code, r.stderr.slice(-2000)).toBe(2);
    expect(Date.now() - started).toBeLessThan(30_000);
    const lines = notInfo(r.stderr);
    expect(lines.at(-1)).toBe(
      'tagspace: no provider can serve: gemini rejected its API key (400); check GEMINI_API_KEY',
    );
    expect(lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as { msg: string }).msg : l))).toEqual([
      'provider unusable until its setting is fixed',
      lines.at(-1),
    ]);
    expect(r.stdout + r.stderr).not.toContain(WRONG.gemini);
    expect(sim.stats().gemini.requests).toBe(1);
    const topics = await withAdmin((admin) => admin.listTopics());
    expect(topics).not.toContain(tags);
  });
});

describe('tagspace replay with one of two keys refused', () => {
  it('says so at start-up and tags every page with the other provider, never calling the refused one with a page', async () => {
    const t = await deliveryTopics('check-one');
    const { events } = generateSpace({ pages: 20, seed: 8, spaceKey: 'CHK' });
    await produceMessages(t.events, events.map(pageMessage), testBrokers());
    sim.resetStats();
    const r = await runCli(['replay', ...pipelineArgs(t, sim)], {
      env: cleanEnv({ GEMINI_API_KEY: RIGHT.gemini, OPENAI_API_KEY: WRONG.openai }),
      timeoutMs: 90_000,
    });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const refused = notInfo(r.stderr)
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'provider unusable until its setting is fixed');
    expect(refused).toMatchObject([{ provider: 'openai', kind: 'auth', setting: 'OPENAI_API_KEY' }]);
    expect(r.stdout + r.stderr).not.toContain(WRONG.openai);
    const records = [...latestByKey(await readAll(t.tags)).values()].map(tagRecordOf);
    expect(records).toHaveLength(20);
    expect(records.every((x) => x?.provider === 'gemini')).toBe(true);
    // OpenAI was asked once, by the check.
    expect(sim.stats().openai.requests).toBe(1);
  });
});
