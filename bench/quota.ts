/**
 * bench/quota — how close each concurrency policy gets to an undisclosed provider quota.
 *
 * Replays a synthetic space through the real pipeline (dedupe → batch → mergeMapWithLimit →
 * router → the real Gemini SDK) against the in-process simulator, once per policy and scenario,
 * side by side in one run. The simulator's /stats is the referee for calls and 429s.
 *
 *   ideal      = (⌈calls / rpm⌉ − 1) · window + latency      (request-bound; the first window's
 *                (⌈tokens / tpm⌉ − 1) · window + latency      burst is free) — whichever is larger
 *   efficiency = ideal / wall
 *
 * `--time-scale s` shrinks the simulated minute (window and latencies × s) equally for every
 * policy, so the bench runs in minutes. Usage:
 *
 *   npx tsx bench/quota.ts [--pages 1000] [--time-scale 0.1] [--policies fixed,seed,adaptive]
 */
import { parseArgs } from 'node:util';
import { from, lastValueFrom, toArray } from 'rxjs';
import { setLogLevel } from '../src/log.js';
import { tagDeliveries } from '../src/pipeline.js';
import { GeminiProvider } from '../src/router/gemini-provider.js';
import { Router } from '../src/router/router.js';
import type { ConcurrencyPolicyName } from '../src/router/concurrency-controller.js';
import { RunStats } from '../src/run-stats.js';
import { generateSpace } from '../src/sim/generate-space.js';
import { startSimulator } from '../src/sim/simulator.js';
import { TagCache } from '../src/tag-cache.js';
import type { Delivery } from '../src/work.js';

interface QuotaScenario {
  name: string;
  rpm: number;
  tpm: number;
  latencyMs: number;
}

const SCENARIOS: QuotaScenario[] = [
  { name: '60 rpm, 1 s latency', rpm: 60, tpm: 1_000_000, latencyMs: 1000 },
  { name: 'tokens bind: 40k tpm, 200 rpm, 1 s', rpm: 200, tpm: 40_000, latencyMs: 1000 },
];

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '1000' },
    'time-scale': { type: 'string', default: '0.1' },
    policies: { type: 'string', default: 'fixed,seed,adaptive' },
    scenarios: { type: 'string', default: SCENARIOS.map((_, i) => String(i)).join(',') },
  },
});
const pages = Number(values.pages);
const scale = Number(values['time-scale']);
const policies = values.policies.split(',') as ConcurrencyPolicyName[];
const scenarios = values.scenarios.split(',').map((i) => SCENARIOS[Number(i)] as QuotaScenario);

setLogLevel('silent');

const { events } = generateSpace({ pages, seed: 1, spaceKey: 'BENCH' });
const deliveries: Delivery[] = events.map((e, i) => ({
  topic: 'bench',
  partition: 0,
  offset: String(i),
  key: Buffer.from(e.pageId),
  value: Buffer.from(JSON.stringify(e)),
  headers: {},
  receivedAt: 0,
}));

interface Row {
  scenario: string;
  policy: string;
  wallS: number;
  idealS: number;
  efficiency: number;
  calls: number;
  rateLimited: number;
  rate429: number;
  fallbacks: number;
  tagged: number;
}

async function runOnce(s: QuotaScenario, policy: ConcurrencyPolicyName): Promise<Row> {
  const windowMs = 60_000 * scale;
  const latencyMs = s.latencyMs * scale;
  const sim = await startSimulator({
    scenario: {
      seed: 1,
      gemini: { rpm: s.rpm, tpm: s.tpm, windowMs, latencyMs: { median: latencyMs, jitter: 0.2 } },
    },
  });
  const router = new Router({
    providers: {
      gemini: new GeminiProvider({
        apiKey: 'bench',
        model: 'gemini-2.0-flash',
        baseUrl: sim.url,
        timeoutMs: 60_000,
      }),
    },
    concurrency: { policy, initial: 3, max: 10 },
    backoff: { baseDelayMs: 500 * scale, maxDelayMs: 60_000 * scale, maxRetries: 8, jitter: 0.2 },
    holdMaxDelayMs: 30_000 * scale,
  });
  const stats = new RunStats();
  const started = performance.now();
  const outcomes = await lastValueFrom(
    from(deliveries).pipe(
      tagDeliveries({
        router,
        cache: new TagCache({ enabled: true, maxSize: 10_000 }),
        stats,
        batch: { size: 5, lingerMs: 20, maxPromptTokens: 8000, maxPageTokens: 2000 },
      }),
      toArray(),
    ),
  );
  const wallMs = performance.now() - started;
  const sstats = sim.stats().gemini;
  const metrics = router.metrics();
  router.close();
  await sim.close();

  const okCalls = sstats.ok;
  const tokens = sstats.inputTokens + sstats.outputTokens;
  const byRequests = (Math.ceil(okCalls / s.rpm) - 1) * windowMs + latencyMs;
  const byTokens = (Math.ceil(tokens / s.tpm) - 1) * windowMs + latencyMs;
  const idealMs = Math.max(byRequests, byTokens, latencyMs);
  return {
    scenario: s.name,
    policy,
    wallS: wallMs / 1000,
    idealS: idealMs / 1000,
    efficiency: idealMs / wallMs,
    calls: sstats.requests,
    rateLimited: sstats.rateLimited,
    rate429: sstats.requests === 0 ? 0 : sstats.rateLimited / sstats.requests,
    fallbacks: metrics.fallback_switches,
    tagged: outcomes.filter((o) => o.kind === 'tagged').length,
  };
}

const rows: Row[] = [];
for (const s of scenarios) {
  for (const policy of policies) {
    const row = await runOnce(s, policy);
    rows.push(row);
    process.stderr.write(`done: ${s.name} / ${policy} in ${row.wallS.toFixed(1)} s\n`);
  }
}

const header = [
  'scenario',
  'policy',
  'wall s',
  'ideal s',
  'efficiency',
  'calls',
  '429s',
  '429 rate',
  'fallbacks',
  'tagged',
];
const table = rows.map((r) => [
  r.scenario,
  r.policy,
  r.wallS.toFixed(1),
  r.idealS.toFixed(1),
  r.efficiency.toFixed(2),
  String(r.calls),
  String(r.rateLimited),
  `${(100 * r.rate429).toFixed(1)}%`,
  String(r.fallbacks),
  String(r.tagged),
]);
console.log(
  `bench/quota: ${pages} pages, batch 5, time scale ${scale} (1 simulated minute = ${60 * scale} s)\n`,
);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const line of table) console.log(`| ${line.join(' | ')} |`);
for (const s of scenarios) {
  const adaptive = rows.find((r) => r.scenario === s.name && r.policy === 'adaptive');
  if (adaptive === undefined) continue;
  for (const other of rows.filter((r) => r.scenario === s.name && r.policy !== 'adaptive')) {
    console.log(
      `${s.name}: adaptive is ${(other.wallS / adaptive.wallS).toFixed(2)}× faster than ${other.policy}`,
    );
  }
}
