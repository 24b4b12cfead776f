import { scaledRouterTimes } from './scaled-router-times.js';
import { appendFileSync } from 'node:fs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { tagDeliveries } from '../src/pipeline/tag-deliveries.js';
import type { ConcurrencyPolicyName } from '../src/router/concurrency-policies.js';
import { GeminiProvider } from '../src/router/gemini-provider.js';
import { OpenAIProvider } from '../src/router/openai-provider.js';
import { Router } from '../src/router/router.js';
import { RunStats } from '../src/run/run-stats.js';
import { startSimulator } from '../src/sim/simulator.js';
import { TagCache } from '../src/pipeline/tag-cache.js';
import type { TaggingObserver } from '../src/telemetry/tagging-observer.js';
import type { Delivery } from '../src/model/work.js';
import { boundTimeMs, idealTimeMs, type CallTokens } from './ideal-time.js';
import { startOtherService } from './other-service.js';
import { dipSchedule, type QuotaScenario } from './quota-scenarios.js';
import { callerOf } from '../src/sim/caller.js';

/**
 * One in-process row of bench/quota: the real pipeline (tagDeliveries → batching →
 * mergeMapWithLimit → router → the real SDK) against the simulator, under a quota it is not told,
 * with one concurrency policy. The simulator's /stats referees calls, 429s and tokens.
 */
export const MAX_CONCURRENCY = 10;
export const BATCH_SIZE = 5;

export interface ShapeRow {
  scenario: string;
  policy: string;
  wallS: number;
  idealS: number;
  /** The older yardstick; sliding windows without a schedule only. */
  boundS: number | undefined;
  efficiency: number;
  calls: number;
  rateLimited: number;
  rate429: number;
  tokens: number;
  fallbacks: number;
  tagged: number;
}

export interface SingleRunOptions {
  deliveries: readonly Delivery[];
  scale: number;
  tracePath: string | undefined;
}

export async function runSingle(
  s: QuotaScenario,
  policy: ConcurrencyPolicyName,
  opts: SingleRunOptions,
): Promise<ShapeRow> {
  const { scale, deliveries } = opts;
  const windowMs = 60_000 * scale;
  const latencyMs = s.latencyMs * scale;
  const nominalMs = (deliveries.length / BATCH_SIZE / (s.callsPerWindow ?? s.rpm)) * windowMs;
  const schedule = dipSchedule(s, nominalMs);
  const quota = {
    rpm: s.rpm,
    tpm: s.tpm,
    windowMs,
    ...(s.shape !== undefined && { quotaShape: s.shape }),
    ...(s.burst !== undefined && { burst: s.burst }),
    schedule,
  };
  const sim = await startSimulator({
    scenario: { seed: 1, [s.provider]: { ...quota, latencyMs: { median: latencyMs, jitter: 0.2 } } },
  });
  const common = { apiKey: 'bench', timeoutMs: 60_000 };
  const provider =
    s.provider === 'gemini'
      ? new GeminiProvider({ ...common, model: 'gemini-2.0-flash', baseUrl: sim.geminiBaseUrl })
      : new OpenAIProvider({ ...common, model: 'gpt-4o-mini', baseUrl: sim.openaiBaseUrl });
  const router = new Router({
    providers: { [s.provider]: provider },
    // The provider's minute, as the time scale shrinks it (Gemini's 429s name per-minute quotas).
    concurrency: { policy, initial: 3, max: MAX_CONCURRENCY, minuteMs: 60_000 * scale },
    backoff: { baseDelayMs: 500 * scale, maxDelayMs: 60_000 * scale, maxRetries: 8, jitter: 0.2 },
    ...scaledRouterTimes(scale),
  });
  const stats = new RunStats();
  const clockAtStartMs = Date.now();
  const simAtStartMs = sim.uptimeMs();
  const started = performance.now();
  const other =
    s.other === undefined
      ? undefined
      : startOtherService({
          provider: s.provider,
          baseUrl: s.provider === 'gemini' ? sim.geminiBaseUrl : sim.openaiBaseUrl,
          apiKey: common.apiKey,
          windowMs,
          tpm: s.tpm * s.other.share,
          fromMs: s.other.from * nominalMs,
          toMs: s.other.to * nominalMs,
        });
  const trace = tracer(opts.tracePath, s.name, policy, started);
  trace.line({ type: 'start', epoch: clockAtStartMs });
  const limitSub = router.limit$.subscribe((limit) => trace.line({ type: 'limit', limit }));
  const outcomes = await lastValueFrom(
    from(deliveries).pipe(
      tagDeliveries({
        router,
        cache: new TagCache({ enabled: true, maxSize: 10_000 }),
        stats,
        observer: trace.observer,
        batch: { size: BATCH_SIZE, lingerMs: 20, maxPromptTokens: 8000, maxPageTokens: 2000 },
      }),
      toArray(),
    ),
  );
  const wallMs = performance.now() - started;
  limitSub.unsubscribe();
  for (const a of router.metrics().concurrency_adjustments) trace.line({ type: 'adjustment', ...a });
  const otherCounts = await other?.stop();
  if (otherCounts !== undefined)
    console.log(`  the other service: ${otherCounts.calls} calls, ${otherCounts.refused} refused`);
  const simStats = sim.stats();
  // With another service on the key, the pipeline's own calls: the key's client without an instance.
  const ours = simStats.clients[callerOf(common.apiKey, undefined).clientId];
  const referee = other === undefined || ours === undefined ? simStats[s.provider] : ours[s.provider];
  const metrics = router.metrics();
  router.close();
  await sim.close();

  const calls = trace.answered();
  const charged = calls.reduce((sum, c) => sum + c.inputTokens + c.outputTokens, 0);
  if (calls.length !== referee.ok || charged !== referee.inputTokens + referee.outputTokens) {
    throw new Error(
      `the router's answered calls disagree with the simulator's /stats (${s.name}, ${policy})`,
    );
  }
  const spec = {
    rpm: s.rpm,
    tpm: s.tpm,
    windowMs,
    shape: s.shape,
    burst: s.burst,
    // The schedule runs on the simulator's clock, which started a moment before the run; the
    // ideal leaves another service on the key its share while it runs (its calls, from the run's start).
    schedule:
      s.other === undefined
        ? schedule.map((step) => ({ ...step, atMs: step.atMs - simAtStartMs }))
        : [
            { atMs: s.other.from * nominalMs, rpm: s.rpm, tpm: s.tpm * (1 - s.other.share) },
            { atMs: s.other.to * nominalMs },
          ],
    clockAtStartMs,
  };
  const idealMs = idealTimeMs(calls, spec, latencyMs, MAX_CONCURRENCY);
  const sliding = (s.shape ?? 'sliding') === 'sliding' && schedule.length === 0 && s.other === undefined;
  return {
    scenario: s.name,
    policy,
    wallS: wallMs / 1000,
    idealS: idealMs / 1000,
    boundS: sliding ? boundTimeMs(calls, spec, latencyMs) / 1000 : undefined,
    efficiency: idealMs / wallMs,
    calls: referee.requests,
    rateLimited: referee.rateLimited,
    rate429: referee.requests === 0 ? 0 : referee.rateLimited / referee.requests,
    tokens: referee.inputTokens + referee.outputTokens,
    fallbacks: metrics.fallback_switches,
    tagged: outcomes.filter((o) => o.kind === 'tagged').length,
  };
}

/**
 * Hears every batch's router events: keeps the calls the provider answered (for the ideal: batch
 * order, then call order) and, with --trace FILE, writes each event and limit change as a JSON
 * line, `t` in ms from the run's start.
 */
function tracer(tracePath: string | undefined, scenario: string, policy: string, started: number) {
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
