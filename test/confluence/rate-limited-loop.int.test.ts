import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startConfluenceSim,
  type RunningConfluenceSim,
} from '../../src/sim/confluence/start-confluence-sim.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { runCli } from '../support/cli.js';
import { endOffsets } from '../support/kafka.js';
import {
  ingestArgs,
  labelsArgs,
  labelsByOwner,
  latestTags,
  loopEnv,
  loopTopics,
  tagAll,
} from './loop-kit.js';

let wiki: RunningConfluenceSim;
let providers: Simulator;
const t = loopTopics('cf-limited');

beforeAll(async () => {
  wiki = await startConfluenceSim({
    config: { rateLimit: { requests: 20, windowMs: 1000 } },
    spaces: [{ key: 'OPS', pages: 120, seed: 21 }],
  });
  providers = await startSimulator({
    scenario: {
      seed: 4,
      gemini: { rpm: 6000, windowMs: 1000, latencyMs: { median: 10 } },
      openai: { rpm: 6000, windowMs: 1000, latencyMs: { median: 10 } },
    },
  });
});

afterAll(async () => {
  await wiki?.close();
  await providers?.close();
});

describe('the Confluence loop under a 20 requests/s limit', () => {
  it('completes the round trip with nothing lost, the 429s in the simulator’s stats and in tagspace’s summaries', async () => {
    const ingest = await runCli(ingestArgs(wiki, t, ['OPS']), { env: loopEnv(), timeoutMs: 120_000 });
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
    expect((await endOffsets(t.events)).reduce((sum, p) => sum + p.offset, 0)).toBe(120);

    const tagged = await tagAll(providers, t);
    expect(tagged.code, tagged.stderr.slice(-2000)).toBe(0);
    const tags = await latestTags(t.tags);
    expect(tags.size).toBe(120);

    const labels = await runCli(labelsArgs(wiki, t), { env: loopEnv(), timeoutMs: 170_000 });
    expect(labels.code, labels.stderr.slice(-2000)).toBe(0);
    for (const [id, pageTags] of tags) {
      const { api, person } = labelsByOwner(wiki, id);
      expect(api, `page ${id}`).toEqual(pageTags.filter((tag) => !person.includes(tag)).sort());
    }
    const stats = wiki.stats();
    expect(stats.rateLimited).toBeGreaterThan(0);
    const reported = /(\d+) rate-limited \(429\)/.exec(labels.stdout);
    expect(Number(reported?.[1] ?? 0)).toBeGreaterThan(0);
    // The limit it paced to, as the 429s showed it: 20 requests a second. Retry-After's whole
    // second reads the window long (up to 2 s), and the gate's trials shorten it while it runs.
    const paced = /paced to (\d+) requests \/ ([\d.]+) s/.exec(labels.stdout);
    expect(paced, labels.stdout).not.toBeNull();
    expect(Number(paced?.[1])).toBeGreaterThanOrEqual(15);
    expect(Number(paced?.[1])).toBeLessThanOrEqual(25);
    expect(Number(paced?.[2])).toBeGreaterThanOrEqual(0.8);
    expect(Number(paced?.[2])).toBeLessThanOrEqual(2.5);
    expect(labels.stdout).toMatch(/0 dead-lettered/);
  });
});
