import { readFileSync } from 'node:fs';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { GeminiProvider } from '../../src/router/gemini-provider.js';
import { OpenAIProvider } from '../../src/router/openai-provider.js';
import { Router } from '../../src/router/router.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { pageText } from '../../src/model/page-content.js';
import { startMetricsServer, type MetricsServer } from '../../src/telemetry/metrics-server.js';
import { PROVIDER_STATES, QUOTA_SHAPES, type QuotaReport } from '../../src/telemetry/gauge-sources.js';
import { PipelineMetrics } from '../../src/telemetry/pipeline-metrics.js';
import { registerSources } from '../../src/telemetry/register-sources.js';
import {
  confluenceHttpSources,
  ingestSources,
  labelSources,
  webhookSources,
} from '../../src/cli/confluence-metric-sources.js';
import { newIngestCounts } from '../../src/confluence/ingest-runner.js';
import { newLabelStats } from '../../src/confluence/label-sync.js';
import { newWebhookCounts } from '../../src/confluence/webhook-receiver.js';
import { recordFor, work } from '../operators/fixtures.js';

let sim: Simulator;
let router: Router;
let server: MetricsServer;
let meterProvider: MeterProvider;
let metrics: PipelineMetrics;
let consumerJoined = false;

beforeAll(async () => {
  // Gemini's quota is tiny, so batches meet 429s, retries and fall back to OpenAI.
  sim = await startSimulator({
    port: 0,
    scenario: {
      seed: 4,
      gemini: { rpm: 2, windowMs: 60_000, latencyMs: { median: 5 } },
      openai: { rpm: 1000, windowMs: 1000, latencyMs: { median: 5 } },
    },
  });
  router = new Router({
    providers: {
      gemini: new GeminiProvider({
        apiKey: 'g-key',
        model: 'gemini-2.0-flash',
        baseUrl: sim.geminiBaseUrl,
        timeoutMs: 5000,
      }),
      openai: new OpenAIProvider({
        apiKey: 'o-key',
        model: 'gpt-4o-mini',
        baseUrl: sim.openaiBaseUrl,
        timeoutMs: 5000,
      }),
    },
    backoff: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 1, jitter: 0 },
    concurrency: { policy: 'adaptive', initial: 3, max: 10 },
  });
  const exporter = new PrometheusExporter({ preventServerStart: true });
  meterProvider = new MeterProvider({ readers: [exporter] });
  metrics = new PipelineMetrics(meterProvider.getMeter('test'), {
    limit: () => router.metrics().current_concurrency,
    lag: () => 17,
    fetchLag: () => 3,
    calls: () => router.calls(),
    cache: () => ({ hits: 4, misses: 9, size: 9 }),
    quotas: () => router.metrics().quotas,
    providerStates: () => router.providerStates(),
  });
  server = await startMetricsServer({
    port: 0,
    host: '127.0.0.1',
    exporter,
    readiness: () => ({ consumer_joined: consumerJoined, provider_usable: true }),
  });
});

afterAll(async () => {
  await server?.close();
  await meterProvider?.shutdown();
  router?.close();
  await sim?.close();
});

/** Prometheus text → value per series, and sums per metric name. */
async function scrape() {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  const matching = (name: string, labels: Record<string, string>) =>
    [...series].filter(
      ([k]) =>
        (k === name || k.startsWith(`${name}{`)) &&
        Object.entries(labels).every(([l, v]) => k.includes(`${l}="${v}"`)),
    );
  const sum = (name: string, labels: Record<string, string> = {}) =>
    matching(name, labels).reduce((t, [, v]) => t + v, 0);
  /** The one series of `name` with these labels (other labels, such as the scope, ignored). */
  const one = (name: string, labels: Record<string, string> = {}) => {
    const found = matching(name, labels);
    expect(
      found.map(([k]) => k),
      `series ${name}`,
    ).toHaveLength(1);
    return found[0]?.[1];
  };
  return { one, sum, names: () => [...series.keys()] };
}

describe('PipelineMetrics on /metrics', () => {
  it('counts what the router counts, under the origin document’s names', async () => {
    const { events } = generateSpace({ pages: 20, seed: 2, spaceKey: 'MET' });
    const pages = events.map((e) => ({ pageId: e.pageId, title: e.title, text: pageText(e) }));
    const batches = [pages.slice(0, 5), pages.slice(5, 10), pages.slice(10, 15), pages.slice(15, 20)];
    await Promise.all(
      batches.map(async (batch) => {
        const watch = metrics.batch(batch.map((p) => work(p.pageId, 1)));
        await router.tagBatch(batch, { onEvent: (e) => watch.event(e) });
        watch.end();
      }),
    );
    const w = work('p-1', 1);
    w.delivery.receivedAt = Date.now() - 1500;
    metrics.written({ kind: 'tagged', delivery: w.delivery, record: recordFor(w) });
    metrics.written({ kind: 'skipped', delivery: w.delivery, pageId: 'p-1', reason: 'stale' });

    const origin = router.metrics();
    expect(origin.rate_limit_errors).toBeGreaterThan(0);
    expect(origin.fallback_switches).toBeGreaterThan(0);
    const { one, sum } = await scrape();
    expect(sum('tagspace_ai_calls_total')).toBe(origin.total_ai_calls);
    expect(sum('tagspace_successful_calls_total')).toBe(origin.successful_calls);
    expect(sum('tagspace_failed_calls_total')).toBe(origin.failed_calls);
    expect(sum('tagspace_rate_limit_errors_total')).toBe(origin.rate_limit_errors);
    expect(sum('tagspace_fallback_switches_total')).toBe(origin.fallback_switches);
    expect(sum('tagspace_retries_total')).toBe(origin.retries);
    expect(sum('tagspace_tokens_total')).toBe(origin.input_tokens + origin.output_tokens);
    expect(one('tagspace_events_total', { outcome: 'tagged' })).toBe(1);
    expect(one('tagspace_events_total', { outcome: 'skipped' })).toBe(1);
    expect(one('tagspace_batch_size_count')).toBe(4);
    expect(one('tagspace_batch_size_sum')).toBe(20);
    expect(one('tagspace_edit_to_tag_seconds_count')).toBe(1);
    expect(one('tagspace_edit_to_tag_seconds_sum')).toBeGreaterThanOrEqual(1.5);
    expect(sum('tagspace_provider_latency_seconds_count')).toBe(origin.successful_calls);
    expect(one('tagspace_concurrency_limit')).toBe(origin.current_concurrency);
    expect(one('tagspace_inflight_calls')).toBe(0);
    expect(one('tagspace_calls_waiting')).toBe(0);
    expect(one('tagspace_batches_in_router')).toBe(0);
    expect(sum('tagspace_spills_total')).toBe(0);
    expect(one('tagspace_consumer_lag')).toBe(17);
    expect(one('tagspace_consumer_fetch_lag')).toBe(3);
    expect(one('tagspace_cache_hits_total')).toBe(4);
    expect(one('tagspace_cache_lookups_total')).toBe(13);
  });

  it('shows the state each provider is in: Gemini held open by its minute-long retry hint, OpenAI closed', async () => {
    // The 429s of a 2-requests-a-minute quota hint at most of a minute, past the breaker's
    // long-hint threshold (10 s): Gemini's breaker opens until the hint ends.
    expect(router.providerStates()).toEqual([
      { provider: 'gemini', state: 'open' },
      { provider: 'openai', state: 'closed' },
    ]);
    const { one } = await scrape();
    for (const { provider, state: now } of router.providerStates())
      for (const state of PROVIDER_STATES)
        expect(one('tagspace_provider_state', { provider, state }), `${provider} ${state}`).toBe(
          now === state ? 1 : 0,
        );
  });

  it('shows each provider’s quota as learnt, this instance’s share and the instances on its key', async () => {
    const quotas = router.metrics().quotas;
    expect(quotas.map((q) => q.provider)).toEqual(['gemini', 'openai']);
    const gemini = quotas.find((q) => q.provider === 'gemini');
    // Gemini's 429s named their minute: the window is known at once — the minute, read as a fixed
    // window's, or the minute and its send margin (W/600), as a sliding one's. The requests it
    // allowed are counted at once on a fixed window's reading, on a sliding one's only once the
    // pause (the hint, ~60 s) is over: which it is depends on where the 429s fell (under load,
    // sliding; on a quiet host, fixed).
    expect([60_000, 60_100]).toContain(gemini?.window_ms);
    const { one, sum } = await scrape();
    expect(one('tagspace_quota_window_seconds', { provider: 'gemini' })).toBe(
      (gemini?.window_ms ?? 0) / 1000,
    );
    if (gemini?.requests === undefined)
      expect(sum('tagspace_quota_requests', { provider: 'gemini' })).toBe(0);
    else {
      expect(gemini.requests).toBeGreaterThan(0);
      expect(one('tagspace_quota_requests', { provider: 'gemini' })).toBe(gemini.requests);
    }
    // The shape, once believed, is a series of its own: 1 where it is, 0 for the others.
    if (gemini?.shape === undefined) expect(sum('tagspace_quota_shape', { provider: 'gemini' })).toBe(0);
    else
      for (const shape of QUOTA_SHAPES)
        expect(one('tagspace_quota_shape', { provider: 'gemini', shape }), shape).toBe(
          gemini.shape === shape ? 1 : 0,
        );
    for (const provider of ['gemini', 'openai']) {
      expect(one('tagspace_quota_share', { provider })).toBe(1);
      expect(one('tagspace_quota_instances', { provider })).toBe(1);
    }
  });

  it('leaves no value of a quota behind when the shape believed changes: one series a provider, the shape 1 where it is now', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    let quota: QuotaReport = {
      provider: 'gemini',
      window_ms: 60_100,
      requests: 15,
      shape: 'sliding',
      share: 1,
      instances: 1,
    };
    new PipelineMetrics(provider.getMeter('test'), { limit: () => 3, quotas: () => [quota] });
    const read = async () =>
      new PrometheusSerializer()
        .serialize((await exporter.collect()).resourceMetrics)
        .split('\n')
        .filter((l) => /^tagspace_quota_(requests|window_seconds)\{/.test(l))
        .map((l) => l.replace(/,?otel_scope_name="[^"]*"/, ''));
    expect(await read()).toEqual([
      'tagspace_quota_requests{provider="gemini"} 15',
      'tagspace_quota_window_seconds{provider="gemini"} 60.1',
    ]);
    quota = { ...quota, window_ms: 60_000, requests: 14, shape: 'fixed_window' };
    expect(await read()).toEqual([
      'tagspace_quota_requests{provider="gemini"} 14',
      'tagspace_quota_window_seconds{provider="gemini"} 60',
    ]);
    const shapes = new PrometheusSerializer()
      .serialize((await exporter.collect()).resourceMetrics)
      .split('\n')
      .filter((l) => l.startsWith('tagspace_quota_shape{'))
      .map((l) => l.replace(/,?otel_scope_name="[^"]*"/, ''));
    expect(shapes.sort()).toEqual([
      'tagspace_quota_shape{provider="gemini",shape="fixed_window"} 1',
      'tagspace_quota_shape{provider="gemini",shape="sliding"} 0',
      'tagspace_quota_shape{provider="gemini",shape="token_bucket"} 0',
    ]);
    await provider.shutdown();
  });

  it('records the GenAI client metrics with the conventions’ attributes', async () => {
    const origin = router.metrics();
    const { sum, names } = await scrape();
    const duration = 'gen_ai_client_operation_duration';
    const usage = 'gen_ai_client_token_usage';
    // One duration per call, failures included (with error.type); tokens per answered call.
    expect(sum(`${duration}_count`), names().join('\n')).toBe(origin.total_ai_calls);
    expect(sum(`${duration}_count`, { error_type: 'rate_limited' })).toBeGreaterThan(0);
    expect(sum(`${usage}_sum`, { gen_ai_token_type: 'input' })).toBe(origin.input_tokens);
    expect(sum(`${usage}_sum`, { gen_ai_token_type: 'output' })).toBe(origin.output_tokens);
    const labels = {
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'openai',
      gen_ai_request_model: 'gpt-4o-mini',
      gen_ai_response_model: 'gpt-4o-mini',
      server_address: '127.0.0.1',
    };
    expect(sum(`${usage}_count`, labels)).toBeGreaterThan(0);
    expect(sum(`${usage}_bucket`, { ...labels, le: '67108864' })).toBe(sum(`${usage}_count`, labels));
  });

  it('counts spills apart from fallbacks', async () => {
    // The same tiny Gemini quota, with spill-over on: batches its retry hint holds go to OpenAI as
    // spills, and only the batches that met the 429 themselves fall back.
    const spilling = new Router({
      providers: {
        gemini: new GeminiProvider({
          apiKey: 'g',
          model: 'gemini-2.0-flash',
          baseUrl: sim.geminiBaseUrl,
          timeoutMs: 5000,
        }),
        openai: new OpenAIProvider({
          apiKey: 'o',
          model: 'gpt-4o-mini',
          baseUrl: sim.openaiBaseUrl,
          timeoutMs: 5000,
        }),
      },
      backoff: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 1, jitter: 0 },
      spill: { afterMs: 50 },
    });
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    const watched = new PipelineMetrics(provider.getMeter('spill'), {
      limit: () => spilling.metrics().current_concurrency,
      calls: () => spilling.calls(),
    });
    const { events } = generateSpace({ pages: 20, seed: 5, spaceKey: 'SPL' });
    const pages = events.map((e) => ({ pageId: e.pageId, title: e.title, text: pageText(e) }));
    for (let i = 0; i < 20; i += 5) {
      const batch = pages.slice(i, i + 5);
      const watch = watched.batch(batch.map((p) => work(p.pageId, 1)));
      const done = spilling.tagBatch(batch, { onEvent: (e) => watch.event(e) });
      await done;
      watch.end();
    }
    const { resourceMetrics } = await exporter.collect();
    const points = (name: string) =>
      resourceMetrics.scopeMetrics
        .flatMap((sm) => sm.metrics)
        .filter((m) => m.descriptor.name === name)
        .flatMap((m) => m.dataPoints.map((d) => d.value as number));
    const origin = spilling.metrics();
    expect(origin.spills).toBeGreaterThan(0);
    expect(points('tagspace.spills').reduce((a, b) => a + b, 0)).toBe(origin.spills);
    expect(points('tagspace.fallback_switches').reduce((a, b) => a + b, 0)).toBe(origin.fallback_switches);
    expect(origin.spills + origin.fallback_switches).toBeLessThanOrEqual(4);
    expect(points('tagspace.inflight_calls')).toEqual([0]);
    spilling.close();
    await provider.shutdown();
  });

  it('counts calls given up at their call deadline by provider, apart from other timeouts', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    const watched = new PipelineMetrics(provider.getMeter('deadline'), { limit: () => 1 });
    const watch = watched.batch([work('p1', 1)]);
    const call = { type: 'call', model: 'm', attempt: 1, pages: 1, outcome: 'timeout' } as const;
    watch.event({ ...call, provider: 'gemini', durationMs: 1_500, deadlineMs: 1_500 });
    watch.event({ ...call, provider: 'gemini', durationMs: 60_000 });
    watch.event({ ...call, provider: 'openai', durationMs: 900, deadlineMs: 900 });
    watch.end();
    const { resourceMetrics } = await exporter.collect();
    const points = resourceMetrics.scopeMetrics
      .flatMap((sm) => sm.metrics)
      .filter((m) => m.descriptor.name === 'tagspace.call_deadlines')
      .flatMap((m) => m.dataPoints.map((d) => [d.attributes.provider, d.value]));
    expect(new Map(points as [string, number][])).toEqual(
      new Map([
        ['gemini', 1],
        ['openai', 1],
      ]),
    );
    await provider.shutdown();
  });

  it('serves every metric the bundled alert rules read, the Confluence services’ too, with each label value they select on', async () => {
    // The rules name metrics as Prometheus sees them; one renamed here would leave an alert that
    // never fires. A dead letter makes its outcome's series exist.
    const w = work('p-dlq', 1);
    // And a spent daily quota its failure's kind.
    const spent = metrics.batch([w]);
    spent.event({
      type: 'call',
      provider: 'gemini',
      model: 'm',
      attempt: 1,
      pages: 1,
      outcome: 'quota_exhausted',
    });
    spent.end();
    metrics.written({
      kind: 'dead_letter',
      delivery: w.delivery,
      error: new TagspaceError('decode', 'bad'),
      attempts: 1,
    });
    // The Confluence services' metrics, as ingest, labels and webhook register them, with one
    // dead letter so that outcome exists.
    const labelStats = { ...newLabelStats(), deadLettered: 1 };
    registerSources(meterProvider.getMeter('services'), [
      ...confluenceHttpSources({ requests: 1, rateLimited: 0, serverErrors: 0, retries: 0 }),
      ...ingestSources(newIngestCounts()),
      ...labelSources(labelStats, () => 0),
      ...webhookSources(newWebhookCounts()),
    ]);
    const rules = readFileSync(
      new URL('../../deploy/prometheus/tagspace-alerts.yml', import.meta.url),
      'utf8',
    );
    const selectors = [...rules.matchAll(/\b(tagspace_[a-z_]+)(?:\{([^}]*)\})?/g)];
    expect(selectors.length).toBeGreaterThan(10);
    const served = (await scrape()).names();
    for (const [, name, matchers = ''] of selectors) {
      const series = served.filter((k) => k === name || k.startsWith(`${name}{`));
      expect(series, `${name} is served`).not.toHaveLength(0);
      for (const [, label, op, value] of matchers.matchAll(/(\w+)\s*(=~|!=|=)\s*"([^"]*)"/g)) {
        if (op === '!=') continue;
        const wanted =
          op === '=' ? (v: string) => v === value : (v: string) => new RegExp(`^(?:${value})$`).test(v);
        const values = series.map((k) => new RegExp(`[{,]${label}="([^"]*)"`).exec(k)?.[1] ?? '');
        expect(values.some(wanted), `${name}{${label}${op}"${value}"} among ${values.join(', ')}`).toBe(true);
      }
    }
  });

  it('exports the counters alerts count increases of at 0 from the first scrape, so a first dead letter or a spent daily quota shows as an increase', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const provider = new MeterProvider({ readers: [exporter] });
    new PipelineMetrics(provider.getMeter('fresh'), {
      limit: () => 3,
      providerStates: () => [
        { provider: 'gemini', state: 'closed' },
        { provider: 'openai', state: 'closed' },
      ],
    });
    const text = new PrometheusSerializer().serialize((await exporter.collect()).resourceMetrics);
    await provider.shutdown();
    const zero = (name: string, labels: string) =>
      text.split('\n').some((l) => l.startsWith(`${name}{`) && l.includes(labels) && l.endsWith(' 0'));
    for (const outcome of ['tagged', 'cached', 'tombstone', 'skipped', 'dead_letter'])
      expect(zero('tagspace_events_total', `outcome="${outcome}"`), outcome).toBe(true);
    for (const p of ['gemini', 'openai']) {
      expect(zero('tagspace_failed_calls_total', `provider="${p}",kind="quota_exhausted"`), p).toBe(true);
      expect(zero('tagspace_rate_limit_errors_total', `provider="${p}"`), p).toBe(true);
      expect(zero('tagspace_successful_calls_total', `provider="${p}"`), p).toBe(true);
    }
    expect(zero('tagspace_fallback_switches_total', 'from="gemini",to="openai"')).toBe(true);
    expect(zero('tagspace_fallback_switches_total', 'from="openai",to="gemini"')).toBe(true);
  });

  it('answers /healthz always and /readyz only when every check holds', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    consumerJoined = false;
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not ready',
      checks: { consumer_joined: false, provider_usable: true },
    });
    consumerJoined = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
  });
});
