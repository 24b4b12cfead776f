/**
 * bench/quota — how close each concurrency policy gets to an undisclosed provider quota, for every
 * quota shape the simulator has, and how several instances share one.
 *
 * shapes     — a row per quota shape (bench/quota-scenarios.ts): the real pipeline in this process
 *              (dedupe → batch → mergeMapWithLimit → router → the real SDK) against the in-process
 *              simulator, once per policy, side by side (bench/quota-single.ts)
 * instances  — 1 vs 3 real `tagspace run` processes in one consumer group on the broker, one
 *              simulator quota per API key: one key shared by all, or a key each
 *              (bench/quota-instances.ts; needs a broker: npm run kafka:up)
 * free-tier  — scenarios/default.json's two providers (Gemini's free tier, OpenAI's tier 1, their
 *              faults): batch size fixed 5 vs adaptive, spill-over off vs on, with tag accuracy
 *              (bench/quota-free-tier.ts)
 *
 * The simulator's /stats is the referee for calls, 429s and tokens; efficiency = ideal / wall, the
 * ideal per shape as bench/ideal-time.ts states it. `--time-scale s` shrinks the simulated minute
 * (window and latencies × s) equally for every policy, and the router's own time constants with it,
 * so the bench runs in minutes and behaves as it would at scale 1. Usage:
 *
 *   npx tsx bench/quota.ts [--pages 1000] [--time-scale 0.1] [--policies fixed,seed,adaptive]
 *                          [--sections shapes,instances,free-tier] [--scenarios 0,1,…]
 *                          [--arrangements 0,1,2] [--free-tier 0,1,…] [--max-batch-size n]
 *                          [--concurrency n] (free tier: where each provider's limit starts)
 *                          [--brokers 127.0.0.1:$KAFKA_PORT] [--repeat 1] [--trace FILE]
 *                          [--sim-seeds 1,2,…] (free tier: the simulator's seeds, each its faults)
 *                          [--log-level info]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setLogLevel } from '../src/telemetry/log.js';
import type { ConcurrencyPolicyName } from '../src/router/concurrency-policies.js';
import { generateSpace } from '../src/gen/generate-space.js';
import type { Delivery } from '../src/model/work.js';
import { ARRANGEMENTS, runInstances, type Arrangement, type InstanceRow } from './quota-instances.js';
import { SCENARIOS, type QuotaScenario } from './quota-scenarios.js';
import { runSingle, type ShapeRow } from './quota-single.js';
import { FREE_TIER, runFreeTier, type FreeTierArrangement, type FreeTierRow } from './quota-free-tier.js';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '1000' },
    'time-scale': { type: 'string', default: '0.1' },
    policies: { type: 'string', default: 'fixed,seed,adaptive' },
    sections: { type: 'string', default: 'shapes,instances,free-tier' },
    scenarios: { type: 'string', default: SCENARIOS.map((_, i) => String(i)).join(',') },
    arrangements: { type: 'string', default: ARRANGEMENTS.map((_, i) => String(i)).join(',') },
    'free-tier': { type: 'string', default: FREE_TIER.map((_, i) => String(i)).join(',') },
    'max-batch-size': { type: 'string' },
    concurrency: { type: 'string' },
    brokers: { type: 'string', default: `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}` },
    repeat: { type: 'string', default: '1' },
    'sim-seeds': { type: 'string' },
    trace: { type: 'string' },
    'log-level': { type: 'string', default: 'silent' },
  },
});
const pages = Number(values.pages);
const scale = Number(values['time-scale']);
const policies = values.policies.split(',') as ConcurrencyPolicyName[];
const sections = values.sections.split(',');
const scenarios = values.scenarios.split(',').map((i) => SCENARIOS[Number(i)] as QuotaScenario);
const arrangements = values.arrangements.split(',').map((i) => ARRANGEMENTS[Number(i)] as Arrangement);
const freeTier = values['free-tier'].split(',').map((i) => FREE_TIER[Number(i)] as FreeTierArrangement);
const repeat = Number(values.repeat);
const tracePath = values.trace;
if (tracePath !== undefined) writeFileSync(tracePath, '');
setLogLevel(values['log-level']);

const { events, truth } = generateSpace({ pages, seed: 1, spaceKey: 'BENCH' });
const deliveries: Delivery[] = events.map((e, i) => ({
  topic: 'bench',
  partition: 0,
  offset: String(i),
  key: Buffer.from(e.pageId),
  value: Buffer.from(JSON.stringify(e)),
  headers: {},
  receivedAt: 0,
}));

console.log(
  `bench/quota: ${pages} pages, batch 5, time scale ${scale} (1 simulated minute = ${60 * scale} s)\n`,
);

if (sections.includes('shapes')) {
  const rows: ShapeRow[] = [];
  for (const s of scenarios) {
    for (let run = 1; run <= repeat; run += 1) {
      for (const policy of policies) {
        const row = await runSingle(s, policy, { deliveries, scale, tracePath });
        rows.push(row);
        process.stderr.write(`done: ${s.name} / ${policy} in ${row.wallS.toFixed(1)} s\n`);
      }
    }
  }
  printShapes(rows);
}

if (sections.includes('instances')) {
  const rows: InstanceRow[] = [];
  const brokers = values.brokers.split(',');
  for (const arr of arrangements) {
    for (let run = 1; run <= repeat; run += 1) {
      for (const policy of policies) {
        const row = await runInstances(arr, policy, {
          brokers,
          events,
          scale,
          ...(tracePath !== undefined && { tracePath }),
        });
        rows.push(row);
        process.stderr.write(`done: ${arr.name} / ${policy} in ${row.wallS.toFixed(1)} s\n`);
      }
    }
  }
  printInstances(rows);
}

if (sections.includes('free-tier')) {
  const rows: FreeTierRow[] = [];
  // The product's default policy; the rows differ in batch size and spill-over only.
  const policy: ConcurrencyPolicyName = policies.includes('adaptive')
    ? 'adaptive'
    : (policies[0] ?? 'adaptive');
  // Each seed replays its own faults (which calls hang, fail, come back slow): several sample them.
  const seeds = values['sim-seeds']?.split(',').map(Number) ?? [undefined];
  for (let run = 1; run <= repeat; run += 1) {
    for (const simSeed of seeds) {
      for (const arr of freeTier) {
        const cap = values['max-batch-size'];
        const row = await runFreeTier(arr, policy, {
          deliveries,
          truth,
          scale,
          ...(cap !== undefined && { maxBatchSize: Number(cap) }),
          ...(values.concurrency !== undefined && { initialConcurrency: Number(values.concurrency) }),
          ...(simSeed !== undefined && { simSeed }),
          ...(tracePath !== undefined && { tracePath }),
        });
        rows.push(row);
        process.stderr.write(`done: ${arr.name} (seed ${row.seed}) in ${row.wallS.toFixed(1)} s\n`);
      }
    }
  }
  printFreeTier(rows);
}

function printFreeTier(rows: FreeTierRow[]): void {
  console.log(`free tier (scenarios/default.json), concurrency policy ${rows[0]?.policy ?? '—'}:\n`);
  const header = ['arrangement', 'sim seed', 'max size', 'wall s', 'ideal s', 'wall ÷ ideal'];
  header.push('ideal, all counted s', 'wall ÷ it', 'ideal, jittered s', 'wall ÷ it', 'calls (G + O)');
  header.push('calls/page', 'pages/call', 'prompt tokens/page', '429s (G + O)', 'hung', 'deadlines');
  header.push('spills', 'fallbacks');
  header.push('accuracy', 'tagged', 'longest gap s');
  printTable(
    header,
    rows.map((r) => [
      r.name,
      String(r.seed),
      String(r.maxBatchSize),
      r.wallS.toFixed(1),
      r.idealS.toFixed(1),
      (r.wallS / r.idealS).toFixed(2),
      r.idealCountedS.toFixed(1),
      (r.wallS / r.idealCountedS).toFixed(2),
      r.idealJitteredS.toFixed(1),
      (r.wallS / r.idealJitteredS).toFixed(2),
      `${r.calls.gemini + r.calls.openai} (${r.calls.gemini} + ${r.calls.openai})`,
      r.callsPerPage.toFixed(3),
      r.pagesPerCall.toFixed(1),
      r.inputTokensPerPage.toFixed(0),
      `${r.rateLimited.gemini + r.rateLimited.openai} (${r.rateLimited.gemini} + ${r.rateLimited.openai})`,
      String(r.timeouts),
      String(r.deadlines),
      String(r.spills),
      String(r.fallbacks),
      percent(r.accuracy),
      `${r.tagged}/${r.pages}`,
      r.longestGapS.toFixed(1),
    ]),
  );
  const wall = (name: string) => median(rows.filter((r) => r.name === name).map((r) => r.wallS));
  const pairs: [string, string][] = [
    ['Gemini alone, fixed 5', 'Gemini alone, adaptive'],
    ['both, fixed 5, spill off', 'both, adaptive, spill on'],
    ['both, adaptive, spill off', 'both, adaptive, spill on'],
    ['Gemini alone, adaptive, no deadline', 'Gemini alone, adaptive'],
    ['both, adaptive, spill on, no deadline', 'both, adaptive, spill on'],
  ];
  // With several seeds: per arrangement, how wall ÷ ideal spreads over the faults they drew.
  if (new Set(rows.map((r) => r.seed)).size > 1) {
    for (const name of new Set(rows.map((r) => r.name))) {
      const ratios = rows.filter((r) => r.name === name).map((r) => r.wallS / r.idealS);
      const jittered = rows.filter((r) => r.name === name).map((r) => r.wallS / r.idealJitteredS);
      const within = ratios.filter((x) => x <= 1.15).length;
      const withinJittered = jittered.filter((x) => x <= 1.15).length;
      const hung = rows.filter((r) => r.name === name && r.timeouts > 0).length;
      console.log(
        `${name}: wall ÷ ideal median ${median(ratios)?.toFixed(2)}, ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; ≤ 1.15 in ${within} of ${ratios.length} runs; ÷ the jittered ideal median ${median(jittered)?.toFixed(2)}, ${Math.min(...jittered).toFixed(2)}–${Math.max(...jittered).toFixed(2)}, ≤ 1.15 in ${withinJittered}; a call hung in ${hung}`,
      );
    }
  }
  for (const [base, better] of pairs) {
    const a = wall(base);
    const b = wall(better);
    if (a !== undefined && b !== undefined)
      console.log(`${better} is ${(a / b).toFixed(2)}× faster than ${base}`);
  }
  console.log('');
}

function printShapes(rows: ShapeRow[]): void {
  const header = ['scenario', 'policy', 'wall s', 'ideal s', 'efficiency', 'bound s', 'calls', '429s'];
  header.push('429 rate', 'tokens', 'fallbacks', 'tagged');
  printTable(
    header,
    rows.map((r) => [
      r.scenario,
      r.policy,
      r.wallS.toFixed(1),
      r.idealS.toFixed(1),
      r.efficiency.toFixed(2),
      r.boundS === undefined ? '—' : r.boundS.toFixed(1),
      String(r.calls),
      String(r.rateLimited),
      percent(r.rate429),
      String(r.tokens),
      String(r.fallbacks),
      String(r.tagged),
    ]),
  );
  // With --repeat, each policy's median wall.
  const wall = (s: string, policy: string) =>
    median(rows.filter((r) => r.scenario === s && r.policy === policy).map((r) => r.wallS));
  for (const s of new Set(rows.map((r) => r.scenario))) {
    const adaptive = wall(s, 'adaptive');
    if (adaptive === undefined) continue;
    for (const other of policies.filter((p) => p !== 'adaptive')) {
      const theirs = wall(s, other);
      if (theirs !== undefined)
        console.log(`${s}: adaptive is ${(theirs / adaptive).toFixed(2)}× faster than ${other}`);
    }
  }
  console.log('');
}

function printInstances(rows: InstanceRow[]): void {
  const header = ['instances', 'policy', 'wall s', 'ideal s', 'efficiency', 'vs 1 instance', 'calls'];
  header.push('429s', '429 rate', 'client shares', 'tagged', 'duplicates', 'answered twice', 'exit codes');
  printTable(
    header,
    rows.map((r) => {
      const single = median(
        rows
          .filter((o) => o.policy === r.policy && o.arrangement.startsWith('1 instance'))
          .map((o) => o.wallS),
      );
      return [
        r.arrangement,
        r.policy,
        r.wallS.toFixed(1),
        r.idealS.toFixed(1),
        r.efficiency.toFixed(2),
        single === undefined ? '—' : `${(single / r.wallS).toFixed(2)}×`,
        String(r.calls),
        String(r.rateLimited),
        percent(r.rate429),
        r.shares.map((s) => `${Math.round(100 * s)}`).join('/') + ' %',
        `${r.tagged}/${r.pages}`,
        String(r.duplicates),
        String(r.answeredTwice),
        r.exitCodes.map(String).join(','),
      ];
    }),
  );
}

function printTable(header: string[], table: string[][]): void {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const line of table) console.log(`| ${line.join(' | ')} |`);
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function percent(rate: number): string {
  return `${(100 * rate).toFixed(1)}%`;
}
