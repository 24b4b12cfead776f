import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpace } from '../../src/gen/generate-space.js';
import type { Delivery } from '../../src/model/work.js';
import { TagCache } from '../../src/pipeline/tag-cache.js';
import { tagDeliveries } from '../../src/pipeline/tag-deliveries.js';
import { GeminiProvider } from '../../src/router/gemini-provider.js';
import { Router } from '../../src/router/router.js';
import { RunStats } from '../../src/run/run-stats.js';
import { readScenarioJson } from '../../src/sim/scenario-file.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { quietLogs } from '../router/router-fixtures.js';

quietLogs();

/**
 * Tag quality at every batch size the adaptive policy can pick (1 … --max-batch-size 40): the
 * generator's main topic must be among a page's tags for ≥ 95 % of pages. The simulator answers
 * with scenarios/default.json's Gemini faults that touch answers — malformed, truncated (more often
 * the longer the answer) and mis-attributed (more often the more pages) — and no quota, latency
 * or outage, which cost time, not accuracy.
 */
const MAX_BATCH_SIZE = 40;
const PAGES = 200;

let sim: Simulator;

beforeAll(async () => {
  const scenario = (await readScenarioJson('scenarios/default.json')) as {
    gemini: { faults: Record<string, number> };
  };
  const f = scenario.gemini.faults;
  sim = await startSimulator({
    port: 0,
    scenario: {
      seed: 12,
      gemini: {
        maxOutputTokens: 8_192,
        faults: {
          malformedRate: f.malformedRate,
          truncatedRate: f.truncatedRate,
          truncatedRatePer1kOutputTokens: f.truncatedRatePer1kOutputTokens,
          misattributionRate: f.misattributionRate,
          misattributionRatePerPage: f.misattributionRatePerPage,
        },
      },
    },
  });
});

afterAll(async () => {
  await sim?.close();
});

async function accuracyAt(size: number, seed: number): Promise<number> {
  const { events, truth } = generateSpace({ pages: PAGES, seed, spaceKey: 'QUAL' });
  const deliveries: Delivery[] = events.map((e, i) => ({
    topic: 'quality',
    partition: 0,
    offset: String(i),
    key: Buffer.from(e.pageId),
    value: Buffer.from(JSON.stringify(e)),
    headers: {},
    receivedAt: 0,
  }));
  const router = new Router({
    providers: {
      gemini: new GeminiProvider({
        apiKey: 'k',
        model: 'gemini-2.0-flash',
        baseUrl: sim.geminiBaseUrl,
        timeoutMs: 5_000,
      }),
    },
    backoff: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 3, jitter: 0.2 },
    concurrency: { policy: 'fixed', initial: 10, max: 10 },
  });
  const outcomes = await lastValueFrom(
    from(deliveries).pipe(
      tagDeliveries({
        router,
        cache: new TagCache({ enabled: false, maxSize: 1 }),
        stats: new RunStats(),
        batch: { size, policy: 'fixed', lingerMs: 0, maxPromptTokens: 1_000_000, maxPageTokens: 2_000 },
      }),
      toArray(),
    ),
  );
  router.close();
  let right = 0;
  for (const o of outcomes) {
    if (o.kind !== 'tagged') continue;
    const main = truth.get(o.record.pageId)?.[0];
    if (main !== undefined && o.record.tags.includes(main)) right += 1;
  }
  return right / PAGES;
}

describe('tag quality', () => {
  it('keeps the main topic among a page’s tags for ≥ 95 % of pages at every batch size from 1 to 40', async () => {
    const below: string[] = [];
    const seen: number[] = [];
    for (let size = 1; size <= MAX_BATCH_SIZE; size += 1) {
      const accuracy = await accuracyAt(size, 100 + size);
      seen.push(accuracy);
      if (accuracy < 0.95) below.push(`${size} pages: ${(accuracy * 100).toFixed(1)} %`);
    }
    console.log(
      `main-topic accuracy by batch size: min ${(Math.min(...seen) * 100).toFixed(1)} %, mean ${((seen.reduce((a, b) => a + b, 0) / seen.length) * 100).toFixed(1)} %`,
    );
    expect(below).toEqual([]);
    // The faults did strike: the answers were not all clean.
    const stats = sim.stats().gemini;
    expect(stats.misattributed).toBeGreaterThan(10);
    expect(stats.truncated + stats.malformed).toBeGreaterThan(0);
  }, 120_000);
});
