import { scaledRouterTimes } from './scaled-router-times.js';
import { appendFileSync, readFileSync } from 'node:fs';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { Delivery } from '../src/model/work.js';
import type { ProviderName } from '../src/model/provider-name.js';
import { tagDeliveries } from '../src/pipeline/tag-deliveries.js';
import { TagCache } from '../src/pipeline/tag-cache.js';
import type { ConcurrencyPolicyName } from '../src/router/concurrency-policies.js';
import { GeminiProvider } from '../src/router/gemini-provider.js';
import { OpenAIProvider } from '../src/router/openai-provider.js';
import type { Provider } from '../src/router/provider.js';
import { Router } from '../src/router/router.js';
import { RunStats } from '../src/run/run-stats.js';
import { loadConfig } from '../src/cli/config.js';
import { parseScenario, type ProviderScenario } from '../src/sim/scenario.js';
import { startSimulator } from '../src/sim/simulator.js';
import type { TaggingObserver } from '../src/telemetry/tagging-observer.js';
import { idealTimeMs, jitteredMeanMs, type CallTokens } from './ideal-time.js';
import { DEFAULT_JITTER } from '../src/sim/latency-model.js';

/**
 * bench/quota's "free tier" section: scenarios/default.json as shipped — Gemini's free tier (15
 * requests and a million tokens a minute), OpenAI's tier 1 (500 requests, 200,000 tokens), their
 * latencies and their faults — time-scaled like the other sections, through the real pipeline
 * (tagDeliveries → batching → mergeMapWithLimit → router → the real SDKs) in this process. Each
 * row one arrangement: Gemini alone or both providers, the batch size fixed at 5 or adaptive,
 * spill-over off or on, and the call deadline (--min-call-deadline-ms, on by default) off for the
 * last two rows: a hung call then waits the whole provider timeout. The simulator's /stats
 * referees calls and 429s.
 *
 *   ideal (Gemini alone)  bench/ideal-time.ts over the run's own answered calls and Gemini's quota
 *   ideal (both)          the same calls, in order, each sent to whichever provider's quota (and
 *                         10 calls at once) lets it start first, Gemini on a tie — the best a client
 *                         that knew both quotas could do with these calls, sending them greedily
 *   ideal, all counted    the ideal with the requests the provider counted but never answered (a
 *                         hang, a 5xx) appended as calls: any client that met them spent those
 *                         requests and had to ask again
 *   ideal, jittered       the ideal's mean over 400 draws of each call's latency, lognormal with the
 *                         scenario's jitter (jitteredMeanMs): calls sent together end with the
 *                         slowest of them, which the median ideal leaves out
 *   latency               each provider's median + perTokenMs × the run's mean answer tokens
 *   accuracy              pages whose tags hold the generator's main topic ÷ pages
 */
export interface FreeTierArrangement {
  name: string;
  providers: ProviderName[];
  batch: 'fixed' | 'adaptive';
  spill: boolean;
  /** false: no call deadline, a hung call waits the whole provider timeout (as before it). */
  deadline?: false;
}

export const FREE_TIER: FreeTierArrangement[] = [
  { name: 'Gemini alone, fixed 5', providers: ['gemini'], batch: 'fixed', spill: false },
  { name: 'Gemini alone, adaptive', providers: ['gemini'], batch: 'adaptive', spill: false },
  { name: 'both, fixed 5, spill off', providers: ['gemini', 'openai'], batch: 'fixed', spill: false },
  { name: 'both, fixed 5, spill on', providers: ['gemini', 'openai'], batch: 'fixed', spill: true },
  { name: 'both, adaptive, spill off', providers: ['gemini', 'openai'], batch: 'adaptive', spill: false },
  { name: 'both, adaptive, spill on', providers: ['gemini', 'openai'], batch: 'adaptive', spill: true },
  {
    name: 'Gemini alone, adaptive, no deadline',
    providers: ['gemini'],
    batch: 'adaptive',
    spill: false,
    deadline: false,
  },
  {
    name: 'both, adaptive, spill on, no deadline',
    providers: ['gemini', 'openai'],
    batch: 'adaptive',
    spill: true,
    deadline: false,
  },
];

/** The product's defaults (the settings table, src/cli/settings.ts) the rows run with. */
const DEFAULTS = loadConfig('replay', [], {});
const START_SIZE = DEFAULTS.batch.size;
const MAX_BATCH_SIZE = DEFAULTS.batch.maxSize ?? START_SIZE;
const MAX_CONCURRENCY = DEFAULTS.concurrency.max;
const SPILL_AFTER_MS = DEFAULTS.spill?.afterMs ?? 0;
const MIN_CALL_DEADLINE_MS = DEFAULTS.callDeadline.minMs;

export interface FreeTierRow {
  name: string;
  policy: string;
  /** The simulator's seed. */
  seed: number;
  wallS: number;
  idealS: number;
  /** The ideal with the requests the provider counted and never answered (hangs, 5xx) as calls too. */
  idealCountedS: number;
  /** The ideal's mean when each call's latency varies as the scenario's jitter says (jitteredMeanMs). */
  idealJitteredS: number;
  calls: Record<ProviderName, number>;
  /** 429s per provider, as the simulator counted them. */
  rateLimited: Record<ProviderName, number>;
  /** Calls the simulator hung (the scenario's timeoutRate): each costs the call deadline or the provider timeout. */
  timeouts: number;
  /** Calls the router gave up at their call deadline and asked again. */
  deadlines: number;
  spills: number;
  fallbacks: number;
  pagesPerCall: number;
  /** Reported prompt tokens per page over the answered calls. */
  inputTokensPerPage: number;
  maxBatchSize: number;
  callsPerPage: number;
  accuracy: number;
  tagged: number;
  pages: number;
  longestGapS: number;
}

export interface FreeTierOptions {
  deliveries: readonly Delivery[];
  truth: ReadonlyMap<string, string[]>;
  scale: number;
  /** --max-batch-size for the adaptive rows (default the product's, 40). */
  maxBatchSize?: number;
  /** --concurrency: where each provider's limit starts (default the product's, the origin's 3). */
  initialConcurrency?: number;
  /**
   * The simulator's seed (default the scenario's own): which requests hang, fail or come back
   * slow. One seed replays the same faults every run, so a rare one (a hang: 0.2 % a call) is met
   * in every run or in none; --sim-seeds samples them.
   */
  simSeed?: number;
  /** --trace: every batch's dispatch and router events as JSON lines, `t` in ms from the run's start. */
  tracePath?: string;
}

export async function runFreeTier(
  arr: FreeTierArrangement,
  policy: ConcurrencyPolicyName,
  opts: FreeTierOptions,
): Promise<FreeTierRow> {
  const { scale, deliveries } = opts;
  const shipped = parseScenario(JSON.parse(readFileSync('scenarios/default.json', 'utf8')));
  const scaled = (p: ProviderScenario) => ({
    ...p,
    windowMs: p.windowMs * scale,
    latencyMs: {
      ...p.latencyMs,
      median: p.latencyMs.median * scale,
      perTokenMs: (p.latencyMs.perTokenMs ?? 0) * scale,
    },
    faults: { ...p.faults, ...(p.faults.hangMs !== undefined && { hangMs: p.faults.hangMs * scale }) },
  });
  const scenario = {
    ...shipped,
    seed: opts.simSeed ?? shipped.seed,
    gemini: scaled(shipped.gemini),
    openai: scaled(shipped.openai),
  };
  const sim = await startSimulator({ scenario });
  const timeoutMs = 60_000 * scale;
  const providers: { gemini?: Provider; openai?: Provider } = {};
  if (arr.providers.includes('gemini'))
    providers.gemini = new GeminiProvider({
      apiKey: 'bench',
      model: 'gemini-2.0-flash',
      baseUrl: sim.geminiBaseUrl,
      timeoutMs,
    });
  if (arr.providers.includes('openai'))
    providers.openai = new OpenAIProvider({
      apiKey: 'bench',
      model: 'gpt-4o-mini',
      baseUrl: sim.openaiBaseUrl,
      timeoutMs,
    });
  const router = new Router({
    providers,
    concurrency: {
      policy,
      initial: opts.initialConcurrency ?? DEFAULTS.concurrency.initial,
      max: MAX_CONCURRENCY,
      minuteMs: 60_000 * scale,
    },
    backoff: { baseDelayMs: 500 * scale, maxDelayMs: 4_000 * scale, maxRetries: 3, jitter: 0.2 },
    ...scaledRouterTimes(scale),
    ...(arr.spill && { spill: { afterMs: SPILL_AFTER_MS * scale } }),
    ...(arr.deadline !== false && {
      callDeadline: { minMs: MIN_CALL_DEADLINE_MS * scale, maxMs: timeoutMs },
    }),
  });
  const started = performance.now();
  const answered: { batch: number; seq: number; provider: ProviderName; tokens: CallTokens }[] = [];
  let batches = 0;
  const { tracePath } = opts;
  const trace = (fields: object): void => {
    if (tracePath === undefined) return;
    const t = Math.round(performance.now() - started);
    const run = { arrangement: arr.name, seed: opts.simSeed };
    appendFileSync(tracePath, `${JSON.stringify({ t, ...run, ...fields })}\n`);
  };
  const observer: TaggingObserver = {
    batch: (pages) => {
      const batch = (batches += 1);
      trace({ type: 'dispatch', batch, pages: pages.length });
      return {
        event: (e) => {
          trace({ batch, ...e });
          if (e.type === 'call' && e.inputTokens !== undefined) {
            const tokens = { inputTokens: e.inputTokens, outputTokens: e.outputTokens ?? 0 };
            answered.push({ batch, seq: answered.length, provider: e.provider, tokens });
          }
        },
        end: () => {},
      };
    },
  };
  const outcomes = await lastValueFrom(
    from(deliveries).pipe(
      tagDeliveries({
        router,
        cache: new TagCache({ enabled: true, maxSize: 10_000 }),
        stats: new RunStats(),
        observer,
        batch: {
          size: START_SIZE,
          policy: arr.batch,
          maxSize: opts.maxBatchSize ?? MAX_BATCH_SIZE,
          lingerMs: DEFAULTS.batch.lingerMs * scale,
          maxPromptTokens: DEFAULTS.batch.maxPromptTokens,
          maxPageTokens: DEFAULTS.batch.maxPageTokens,
        },
      }),
      toArray(),
    ),
  );
  const wallMs = performance.now() - started;
  const referee = sim.stats();
  const metrics = router.metrics();
  router.close();
  await sim.close();

  for (const name of arr.providers) {
    const r = referee[name];
    const mine = answered.filter((a) => a.provider === name).length;
    // A call the router gave up on at its deadline may still be answered: the simulator counts that
    // answer (as a provider bills it) and the client's leaving (clientClosed), the router neither.
    const simAnswered = r.ok + r.malformed + r.truncated;
    if (mine > simAnswered || simAnswered > mine + r.clientClosed) {
      throw new Error(
        `the router's answered calls disagree with the simulator's /stats (${arr.name}, ${name})`,
      );
    }
  }
  const inOrder = [...answered].sort((a, b) => a.batch - b.batch || a.seq - b.seq);
  const meanOut = inOrder.reduce((sum, a) => sum + a.tokens.outputTokens, 0) / Math.max(1, inOrder.length);
  const latencyOf = (p: ProviderScenario) => p.latencyMs.median + (p.latencyMs.perTokenMs ?? 0) * meanOut;
  const quotaOf = (p: ProviderScenario) => ({ rpm: p.rpm, tpm: p.tpm, windowMs: p.windowMs });
  const jitterOf = (p: ProviderScenario) => p.latencyMs.jitter ?? DEFAULT_JITTER;
  const idealOf = (calls: readonly CallTokens[], z?: readonly number[]) =>
    arr.providers.length === 1
      ? idealTimeMs(
          calls,
          quotaOf(scenario.gemini),
          (i) => latencyOf(scenario.gemini) * Math.exp(jitterOf(scenario.gemini) * (z?.[i] ?? 0)),
          MAX_CONCURRENCY,
        )
      : idealGreedyMs(
          calls,
          [scenario.gemini, scenario.openai].map((p) => ({
            ...quotaOf(p),
            latencyMs: latencyOf(p),
            jitter: jitterOf(p),
          })),
          MAX_CONCURRENCY,
          z,
        );
  const answeredCalls = inOrder.map((a) => a.tokens);
  // Requests the provider counted and never answered (a hang, a 5xx, a safety block): any client
  // that met them spent a request and asked again; appended as prompts of the mean size.
  const unanswered = arr.providers.reduce((sum, name) => {
    const r = referee[name];
    return sum + r.timeouts + r.serverErrors + r.safetyBlocked;
  }, 0);
  const meanIn = inOrder.reduce((sum, a) => sum + a.tokens.inputTokens, 0) / Math.max(1, inOrder.length);
  const idealMs = idealOf(answeredCalls);
  const idealJitteredMs = jitteredMeanMs(answeredCalls.length, (z) => idealOf(answeredCalls, z));
  const idealCountedMs = idealOf([
    ...answeredCalls,
    ...Array.from({ length: unanswered }, () => ({ inputTokens: Math.round(meanIn), outputTokens: 0 })),
  ]);
  let right = 0;
  const tagged = outcomes.filter((o) => o.kind === 'tagged');
  for (const o of tagged) {
    const main = opts.truth.get(o.record.pageId)?.[0];
    if (main !== undefined && o.record.tags.includes(main)) right += 1;
  }
  const calls = { gemini: referee.gemini.requests, openai: referee.openai.requests };
  const totalCalls = calls.gemini + calls.openai;
  return {
    name: arr.name,
    policy,
    seed: scenario.seed,
    wallS: wallMs / 1000,
    idealS: idealMs / 1000,
    idealCountedS: idealCountedMs / 1000,
    idealJitteredS: idealJitteredMs / 1000,
    calls,
    rateLimited: { gemini: referee.gemini.rateLimited, openai: referee.openai.rateLimited },
    timeouts: referee.gemini.timeouts + referee.openai.timeouts,
    deadlines: metrics.call_deadlines_passed,
    spills: metrics.spills,
    fallbacks: metrics.fallback_switches,
    pagesPerCall: deliveries.length / Math.max(1, inOrder.length),
    inputTokensPerPage: inOrder.reduce((sum, a) => sum + a.tokens.inputTokens, 0) / deliveries.length,
    maxBatchSize: arr.batch === 'fixed' ? START_SIZE : (opts.maxBatchSize ?? MAX_BATCH_SIZE),
    callsPerPage: totalCalls / deliveries.length,
    accuracy: right / deliveries.length,
    tagged: tagged.length,
    pages: deliveries.length,
    longestGapS: (referee.requestGap?.longestMs ?? 0) / 1000,
  };
}

interface TimedQuota {
  rpm: number;
  tpm: number;
  windowMs: number;
  latencyMs: number;
  /** The lognormal's σ: with `z`, call i takes latencyMs × exp(jitter × z_i). */
  jitter?: number;
}

/**
 * The calls, in order, each started on whichever sliding-window quota admits it first (at most
 * `maxConcurrent` at once per provider, the first quota on a tie); the simulator's rule per quota:
 * over (t − W, t], #starts + 1 ≤ rpm ∧ Σ(input + output) + input(i) ≤ tpm.
 */
export function idealGreedyMs(
  calls: readonly CallTokens[],
  quotas: readonly TimedQuota[],
  maxConcurrent: number,
  /** Each call's draw of N(0, 1) for its latency (jitteredMeanMs); none: every call at the median. */
  z?: readonly number[],
): number {
  const taken = quotas.map(() => [] as { start: number; tokens: number; end: number }[]);
  let t = 0;
  let last = 0;
  for (const [i, call] of calls.entries()) {
    let best: { at: number; q: number } | undefined;
    quotas.forEach((quota, q) => {
      const at = earliestStart(taken[q] ?? [], quota, call, t, maxConcurrent);
      if (best === undefined || at < best.at) best = { at, q };
    });
    const { at, q } = best as unknown as { at: number; q: number };
    const quota = quotas[q] as TimedQuota;
    const latency = quota.latencyMs * Math.exp((quota.jitter ?? 0) * (z?.[i] ?? 0));
    taken[q]?.push({ start: at, tokens: call.inputTokens + call.outputTokens, end: at + latency });
    last = Math.max(last, at + latency);
    t = at;
  }
  return last;
}

function earliestStart(
  taken: readonly { start: number; tokens: number; end: number }[],
  quota: TimedQuota,
  call: CallTokens,
  from: number,
  maxConcurrent: number,
): number {
  let t = from;
  for (;;) {
    const running = taken.filter((c) => c.end > t).sort((a, b) => a.end - b.end);
    if (running.length >= maxConcurrent) {
      t = (running[running.length - maxConcurrent] as { end: number }).end;
      continue;
    }
    // start + W > t, not start > t − W: t is set to start + W below, and must then leave it out.
    const inWindow = taken.filter((c) => c.start + quota.windowMs > t);
    const held = inWindow.reduce((sum, c) => sum + c.tokens, 0);
    if (inWindow.length + 1 <= quota.rpm && held + call.inputTokens <= quota.tpm) return t;
    const oldest = inWindow.reduce((min, c) => Math.min(min, c.start), Infinity);
    if (!Number.isFinite(oldest)) return t;
    t = oldest + quota.windowMs;
  }
}
