/**
 * bench/quota — how close each concurrency policy gets to an undisclosed provider quota.
 *
 * Replays a synthetic space through the real pipeline (dedupe → batch → mergeMapWithLimit →
 * router → the real Gemini SDK) against the in-process simulator, once per policy and scenario,
 * side by side in one run. The simulator's /stats is the referee for calls and 429s.
 *
 *   ideal      = the best time for the run's own calls (their reported tokens, in the order sent)
 *                by a client that knows the quota: each call starts the moment the sliding window
 *                has room for it, at most `max` at once, each taking the median latency
 *   bound      = max((⌈calls / rpm⌉ − 1), (⌈tokens / tpm⌉ − 1)) · window + latency — the looser
 *                yardstick that treats tokens as divisible (ideal-time.ts says why it is looser)
 *   efficiency = ideal / wall
 *
 * `--time-scale s` shrinks the simulated minute (window and latencies × s) equally for every
 * policy, and the router's own time constants (backoff, holds, breaker cool-downs and hint
 * threshold) with it, so the bench runs in minutes and behaves as it would at scale 1. Usage:
 *
 *   npx tsx bench/quota.ts [--pages 1000] [--time-scale 0.1] [--policies fixed,seed,adaptive]
 *                          [--scenarios 0,1] [--trace FILE] [--log-level info]
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { from, lastValueFrom, toArray } from 'rxjs';
import { setLogLevel } from '../src/telemetry/log.js';
import { tagDeliveries } from '../src/pipeline/tag-deliveries.js';
import { DEFAULT_BREAKER } from '../src/router/circuit-breaker.js';
import { GeminiProvider } from '../src/router/gemini-provider.js';
import { Router } from '../src/router/router.js';
import type { ConcurrencyPolicyName } from '../src/router/concurrency-controller.js';
import { RunStats } from '../src/run/run-stats.js';
import { generateSpace } from '../src/gen/generate-space.js';
import { startSimulator } from '../src/sim/simulator.js';
import { TagCache } from '../src/pipeline/tag-cache.js';
import { boundTimeMs, idealTimeMs, type CallTokens } from './ideal-time.js';
import type { TaggingObserver } from '../src/telemetry/tagging-observer.js';
import type { Delivery } from '../src/model/work.js';

interface QuotaScenario {
  name: string;
  rpm: number;
  tpm: number;
  latencyMs: number;
}

const SCENARIOS: QuotaScenario[] = [
  { name: '60 rpm, 1 s latency', rpm: 60, tpm: 1_000_000, latencyMs: 1000 },
  { name: 'tokens bind: 40k tpm, 200 rpm, 1 s', rpm: 200, tpm: 40_000, latencyMs: 1000 },
  // Control: nothing binds, so only the concurrency limit (max 10) stands between the calls.
  { name: 'no quota binds: 10k rpm, 10M tpm, 1 s', rpm: 10_000, tpm: 10_000_000, latencyMs: 1000 },
];

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '1000' },
    'time-scale': { type: 'string', default: '0.1' },
    policies: { type: 'string', default: 'fixed,seed,adaptive' },
    scenarios: { type: 'string', default: SCENARIOS.map((_, i) => String(i)).join(',') },
    trace: { type: 'string' },
    'log-level': { type: 'string', default: 'silent' },
  },
});
const pages = Number(values.pages);
const scale = Number(values['time-scale']);
const policies = values.policies.split(',') as ConcurrencyPolicyName[];
const scenarios = values.scenarios.split(',').map((i) => SCENARIOS[Number(i)] as QuotaScenario);
const tracePath = values.trace;
if (tracePath !== undefined) writeFileSync(tracePath, '');

setLogLevel(values['log-level']);

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

const MAX_CONCURRENCY = 10;

interface Row {
  scenario: string;
  policy: string;
  wallS: number;
  idealS: number;
  boundS: number;
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
    // Gemini's minute, as the time scale shrinks it (its 429s name per-minute quotas).
    concurrency: { policy, initial: 3, max: MAX_CONCURRENCY, minuteMs: 60_000 * scale },
    backoff: { baseDelayMs: 500 * scale, maxDelayMs: 60_000 * scale, maxRetries: 8, jitter: 0.2 },
    holdMaxDelayMs: 30_000 * scale,
    breaker: {
      ...DEFAULT_BREAKER,
      longHintMs: DEFAULT_BREAKER.longHintMs * scale,
      cooldownMs: DEFAULT_BREAKER.cooldownMs * scale,
      maxCooldownMs: DEFAULT_BREAKER.maxCooldownMs * scale,
    },
  });
  const stats = new RunStats();
  const started = performance.now();
  const trace = tracer(s.name, policy, started);
  trace.line({ type: 'start', epoch: Date.now() });
  const limitSub = router.limit$.subscribe((limit) => trace.line({ type: 'limit', limit }));
  const outcomes = await lastValueFrom(
    from(deliveries).pipe(
      tagDeliveries({
        router,
        cache: new TagCache({ enabled: true, maxSize: 10_000 }),
        stats,
        observer: trace.observer,
        batch: { size: 5, lingerMs: 20, maxPromptTokens: 8000, maxPageTokens: 2000 },
      }),
      toArray(),
    ),
  );
  const wallMs = performance.now() - started;
  limitSub.unsubscribe();
  for (const a of router.metrics().concurrency_adjustments) trace.line({ type: 'adjustment', ...a });
  const sstats = sim.stats().gemini;
  const metrics = router.metrics();
  router.close();
  await sim.close();

  const calls = trace.answered();
  const charged = calls.reduce((sum, c) => sum + c.inputTokens + c.outputTokens, 0);
  if (calls.length !== sstats.ok || charged !== sstats.inputTokens + sstats.outputTokens) {
    throw new Error(
      `the router's answered calls disagree with the simulator's /stats (${s.name}, ${policy})`,
    );
  }
  const quota = { rpm: s.rpm, tpm: s.tpm, windowMs };
  const idealMs = idealTimeMs(calls, quota, latencyMs, MAX_CONCURRENCY);
  return {
    scenario: s.name,
    policy,
    wallS: wallMs / 1000,
    idealS: idealMs / 1000,
    boundS: boundTimeMs(calls, quota, latencyMs) / 1000,
    efficiency: idealMs / wallMs,
    calls: sstats.requests,
    rateLimited: sstats.rateLimited,
    rate429: sstats.requests === 0 ? 0 : sstats.rateLimited / sstats.requests,
    fallbacks: metrics.fallback_switches,
    tagged: outcomes.filter((o) => o.kind === 'tagged').length,
  };
}

/**
 * Hears every batch's router events: keeps the calls the provider answered (for the ideal: batch
 * order, then call order) and, with `--trace FILE`, writes each event and limit change as a JSON
 * line, `t` in ms from the run's start.
 */
function tracer(scenario: string, policy: string, started: number) {
  let batches = 0;
  const answered: { batch: number; seq: number; tokens: CallTokens }[] = [];
  const line = (fields: object): void => {
    if (tracePath === undefined) return;
    const t = Math.round(performance.now() - started);
    appendFileSync(tracePath, `${JSON.stringify({ t, scenario, policy, ...fields })}\n`);
  };
  const observer: TaggingObserver = {
    batch: (pages) => {
      const batch = (batches += 1);
      line({ type: 'dispatch', batch, pages: pages.length });
      return {
        event: (e) => {
          line({ batch, ...e });
          if (e.type === 'call' && e.inputTokens !== undefined) {
            const tokens = { inputTokens: e.inputTokens, outputTokens: e.outputTokens ?? 0 };
            answered.push({ batch, seq: answered.length, tokens });
          }
        },
        end: () => line({ type: 'end', batch }),
      };
    },
  };
  const inOrder = (): CallTokens[] =>
    [...answered].sort((a, b) => a.batch - b.batch || a.seq - b.seq).map((a) => a.tokens);
  return { line, observer, answered: inOrder };
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
  'bound s',
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
  r.boundS.toFixed(1),
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
