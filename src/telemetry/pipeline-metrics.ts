import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { CallEvent, RouterEvent } from '../model/router-event.js';
import { defined } from './batch-trace.js';
import * as sc from './semconv.js';
import type { Outcome, PageWork } from '../model/work.js';
import type { BatchObserver, TaggingObserver } from './tagging-observer.js';
import { PROVIDER_STATES, QUOTA_SHAPES, type GaugeSources, type QuotaReport } from './gauge-sources.js';

/**
 * The run as OpenTelemetry metrics (served for Prometheus by metrics-server.ts). The origin
 * document's counters keep its names:
 *
 *   tagspace_ai_calls_total{provider,model,outcome}  = total_ai_calls   (every call, retries included)
 *   tagspace_successful_calls_total                  = successful_calls (outcome = ok)
 *   tagspace_failed_calls_total{kind}                = failed_calls
 *   tagspace_rate_limit_errors_total                 = rate_limit_errors (429 or rate_limited)
 *   tagspace_fallback_switches_total, tagspace_retries_total
 *   tagspace_spills_total{from,to}                   spills (not fallbacks: nothing failed)
 *   tagspace_call_deadlines_total{provider}          call_deadlines_passed (calls given up at their
 *                                                    call deadline; each also a failed call, a timeout)
 *   tagspace_events_total{outcome}                   tagged · cached · tombstone · skipped · dead_letter
 *
 * plus histograms tagspace_provider_latency_seconds{provider,outcome} (answered calls, as the
 * provider measured them), tagspace_batch_size, tagspace_edit_to_tag_seconds, counters of tokens
 * and cost; the GenAI client metrics of the semantic conventions, gen_ai.client.token.usage and
 * gen_ai.client.operation.duration (every call, failures with error.type); and gauges
 * tagspace_concurrency_limit (the controller's), tagspace_concurrency_effective (0 while paused for a
 * retry hint), tagspace_inflight_calls (calls at the providers), tagspace_calls_waiting (calls at a
 * provider's gate), tagspace_batches_in_router, tagspace_consumer_lag (from committed offsets, as
 * operators read lag), tagspace_consumer_fetch_lag (from the fetch position), the cache's hits,
 * misses, lookups and size (hit rate = hits / lookups), and tagspace_provider_state{provider,state}:
 * 1 for the state each provider is in, 0 for the others (alert on state="open" or "unusable").
 */
/** The outcomes tagspace_events_total counts (an Outcome's kind; `cached` a tagged one from the cache). */
const EVENT_OUTCOMES = ['tagged', 'cached', 'tombstone', 'skipped', 'dead_letter'] as const;

export class PipelineMetrics implements TaggingObserver {
  /** The GenAI client metrics of one call, with the conventions' attributes. */
  private genAi(e: CallEvent): void {
    const attrs = defined({
      [sc.GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATIONS[e.provider],
      [sc.GEN_AI_PROVIDER_NAME]: sc.GEN_AI_PROVIDERS[e.provider],
      [sc.GEN_AI_REQUEST_MODEL]: e.model,
      [sc.GEN_AI_RESPONSE_MODEL]: e.responseModel,
      [sc.SERVER_ADDRESS]: e.serverAddress,
      [sc.SERVER_PORT]: e.serverPort,
    });
    if (e.durationMs !== undefined) {
      const failed = e.outcome === 'ok' ? {} : { [sc.ERROR_TYPE]: e.outcome };
      this.operationDuration.record(e.durationMs / 1000, { ...attrs, ...failed });
    }
    if (e.inputTokens !== undefined)
      this.tokenUsage.record(e.inputTokens, { ...attrs, [sc.GEN_AI_TOKEN_TYPE]: 'input' });
    if (e.outputTokens !== undefined)
      this.tokenUsage.record(e.outputTokens, { ...attrs, [sc.GEN_AI_TOKEN_TYPE]: 'output' });
  }

  private readonly calls: Counter;
  private readonly successful: Counter;
  private readonly failed: Counter;
  private readonly rateLimited: Counter;
  private readonly fallbacks: Counter;
  private readonly spills: Counter;
  private readonly deadlines: Counter;
  private readonly retries: Counter;
  private readonly events: Counter;
  private readonly tokens: Counter;
  private readonly cost: Counter;
  private readonly latency: Histogram;
  private readonly batchSize: Histogram;
  private readonly editToTag: Histogram;
  private readonly tokenUsage: Histogram;
  private readonly operationDuration: Histogram;
  private batchesInRouter = 0;

  constructor(
    meter: Meter,
    sources: GaugeSources,
    private readonly now: () => number = Date.now,
  ) {
    this.calls = meter.createCounter('tagspace.ai_calls', { description: 'provider calls (total_ai_calls)' });
    this.successful = meter.createCounter('tagspace.successful_calls', {
      description: 'calls with a usable answer',
    });
    this.failed = meter.createCounter('tagspace.failed_calls', {
      description: 'calls without a usable answer',
    });
    this.rateLimited = meter.createCounter('tagspace.rate_limit_errors', {
      description: 'calls answered 429',
    });
    this.fallbacks = meter.createCounter('tagspace.fallback_switches', {
      description: 'batches that switched provider',
    });
    this.spills = meter.createCounter('tagspace.spills', {
      description: 'calls sent to another provider because theirs would hold them',
    });
    this.deadlines = meter.createCounter('tagspace.call_deadlines', {
      description: 'calls given up at their call deadline, before the provider timeout, and asked again',
    });
    this.retries = meter.createCounter('tagspace.retries', { description: 'retries after a failed call' });
    this.events = meter.createCounter('tagspace.events', {
      description: 'input events by outcome, once written',
    });
    this.startAtZero(sources.providerStates?.().map((p) => p.provider) ?? []);
    this.tokens = meter.createCounter('tagspace.tokens', { description: 'LLM tokens by provider and type' });
    this.cost = meter.createCounter('tagspace.cost_usd', { description: 'LLM cost in US dollars' });
    this.latency = meter.createHistogram('tagspace.provider_latency_seconds', {
      description: 'provider call latency',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] },
    });
    this.batchSize = meter.createHistogram('tagspace.batch.size', {
      description: 'pages per batch sent to the router',
      advice: { explicitBucketBoundaries: [1, 2, 3, 5, 8, 10, 15, 20, 50] },
    });
    this.editToTag = meter.createHistogram('tagspace.edit_to_tag_seconds', {
      description: 'from receipt of an event to its TagRecord written',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] },
    });
    const usage = sc.GEN_AI_CLIENT_TOKEN_USAGE;
    this.tokenUsage = meter.createHistogram(usage.name, {
      description: usage.description,
      unit: usage.unit,
      advice: { explicitBucketBoundaries: [...usage.buckets] },
    });
    const duration = sc.GEN_AI_CLIENT_OPERATION_DURATION;
    this.operationDuration = meter.createHistogram(duration.name, {
      description: duration.description,
      unit: duration.unit,
      advice: { explicitBucketBoundaries: [...duration.buckets] },
    });
    meter
      .createObservableGauge('tagspace.concurrency.limit', {
        description: 'concurrency limit of the LLM stage',
      })
      .addCallback((r) => r.observe(sources.limit()));
    const { effectiveLimit, lag, fetchLag, calls, cache } = sources;
    if (effectiveLimit !== undefined)
      meter
        .createObservableGauge('tagspace.concurrency.effective', {
          description: 'limit dispatched at now (0 while paused for a retry hint)',
        })
        .addCallback((r) => r.observe(effectiveLimit()));
    meter
      .createObservableGauge('tagspace.batches.in_router', {
        description:
          'batches handed to the router and not yet finished (at a provider, at its gate, or backing off)',
      })
      .addCallback((r) => r.observe(this.batchesInRouter));
    if (calls !== undefined) {
      meter
        .createObservableGauge('tagspace.inflight_calls', { description: 'calls at the providers now' })
        .addCallback((r) => r.observe(calls().inFlight));
      meter
        .createObservableGauge('tagspace.calls.waiting', {
          description: 'calls waiting at a provider\u2019s gate for their turn (pacing)',
        })
        .addCallback((r) => r.observe(calls().waiting));
    }
    const gauge = (name: string, description: string, read: (() => number | undefined) | undefined) => {
      if (read === undefined) return;
      meter.createObservableGauge(name, { description }).addCallback((r) => {
        const value = read();
        if (value !== undefined) r.observe(value);
      });
    };
    gauge('tagspace.consumer.lag', 'events not yet committed: high watermark \u2212 committed offset', lag);
    gauge(
      'tagspace.consumer.fetch_lag',
      'events not yet fetched: high watermark \u2212 fetch position',
      fetchLag,
    );
    if (sources.quotas !== undefined) this.quotaGauges(meter, sources.quotas);
    const { providerStates } = sources;
    if (providerStates !== undefined)
      meter
        .createObservableGauge('tagspace.provider.state', {
          description:
            'each provider\u2019s state: 1 for the one it is in (closed, half_open, open, unusable)',
        })
        .addCallback((r) => {
          for (const { provider, state: now } of providerStates())
            for (const state of PROVIDER_STATES) r.observe(now === state ? 1 : 0, { provider, state });
        });
    if (cache !== undefined) {
      meter
        .createObservableCounter('tagspace.cache.hits', {
          description: 'lookups answered without an LLM call',
        })
        .addCallback((r) => r.observe(cache().hits));
      meter
        .createObservableCounter('tagspace.cache.misses', { description: 'lookups that needed an LLM call' })
        .addCallback((r) => r.observe(cache().misses));
      meter
        .createObservableCounter('tagspace.cache.lookups', {
          description: 'lookups of the tag cache (hits + misses): hit rate = hits / lookups',
        })
        .addCallback((r) => {
          const c = cache();
          r.observe(c.hits + c.misses);
        });
      meter
        .createObservableGauge('tagspace.cache.size', { description: 'entries in the content cache' })
        .addCallback((r) => r.observe(cache().size));
    }
  }

  /**
   * tagspace_quota_{requests,tokens,window_seconds}{provider} as learnt (each once known),
   * tagspace_quota_shape{provider,shape} (1 for the shape believed, 0 for the others, once one is),
   * tagspace_quota_share{provider} (this instance's part of the key) and
   * tagspace_quota_instances{provider} (instances sharing the key). The shape is a series of its own,
   * not a label of the values: the exporter keeps serving a label set no longer observed, so a
   * belief that changed from sliding to fixed_window left the old value beside the new one.
   */
  private quotaGauges(meter: Meter, quotas: () => readonly QuotaReport[]): void {
    const each = (name: string, description: string, value: (q: QuotaReport) => number | undefined) =>
      meter.createObservableGauge(name, { description }).addCallback((r) => {
        for (const q of quotas()) {
          const v = value(q);
          if (v !== undefined) r.observe(v, { provider: q.provider });
        }
      });
    each('tagspace.quota.requests', 'requests per window the provider allows, as learnt', (q) => q.requests);
    each('tagspace.quota.tokens', 'tokens per window the provider allows, as learnt', (q) => q.tokens);
    each('tagspace.quota.window_seconds', 'the window the provider counts its quota over, as learnt', (q) =>
      q.window_ms === undefined ? undefined : q.window_ms / 1000,
    );
    meter
      .createObservableGauge('tagspace.quota.shape', {
        description: "1 for the shape the pacer believes the provider's quota has, 0 for the others",
      })
      .addCallback((r) => {
        for (const q of quotas()) {
          if (q.shape === undefined) continue;
          for (const shape of QUOTA_SHAPES)
            r.observe(q.shape === shape ? 1 : 0, { provider: q.provider, shape });
        }
      });
    each('tagspace.quota.share', "this instance's part of its key's quota (1 alone)", (q) => q.share);
    each('tagspace.quota.instances', 'instances sharing the key, this one included', (q) => q.instances);
  }

  batch(pages: readonly PageWork[]): BatchObserver {
    this.batchSize.record(pages.length);
    this.batchesInRouter += 1;
    return {
      event: (e) => this.event(e),
      end: () => {
        this.batchesInRouter -= 1;
      },
    };
  }

  /**
   * The series alerts count increases of exist from the first scrape, at 0. A counter first
   * exported at 1 shows Prometheus no increase (`increase()` needs two samples): a run's first
   * dead letter, or a spent daily quota's one refusal, would never fire an alert.
   */
  private startAtZero(providers: readonly string[]): void {
    for (const outcome of EVENT_OUTCOMES) this.events.add(0, { outcome });
    for (const provider of providers) {
      this.successful.add(0, { provider });
      this.rateLimited.add(0, { provider });
      this.failed.add(0, { provider, kind: 'quota_exhausted' });
      for (const to of providers) if (to !== provider) this.fallbacks.add(0, { from: provider, to });
    }
  }

  written(outcome: Outcome): void {
    const kind = outcome.kind === 'tagged' && outcome.record.cached ? 'cached' : outcome.kind;
    this.events.add(1, { outcome: kind });
    if (outcome.kind === 'tagged') this.editToTag.record((this.now() - outcome.delivery.receivedAt) / 1000);
  }

  private event(e: RouterEvent): void {
    switch (e.type) {
      case 'call': {
        const attrs: Attributes = { provider: e.provider, model: e.model, outcome: e.outcome };
        this.calls.add(1, attrs);
        if (e.outcome === 'ok') this.successful.add(1, { provider: e.provider });
        else this.failed.add(1, { provider: e.provider, kind: e.outcome });
        if (e.outcome === 'rate_limited' || e.status === 429)
          this.rateLimited.add(1, { provider: e.provider });
        if (e.deadlineMs !== undefined) this.deadlines.add(1, { provider: e.provider });
        if (e.latencyMs !== undefined)
          this.latency.record(e.latencyMs / 1000, { provider: e.provider, outcome: e.outcome });
        if (e.inputTokens !== undefined)
          this.tokens.add(e.inputTokens, { provider: e.provider, model: e.model, type: 'input' });
        if (e.outputTokens !== undefined)
          this.tokens.add(e.outputTokens, { provider: e.provider, model: e.model, type: 'output' });
        if (e.costUsd !== undefined && e.costUsd > 0)
          this.cost.add(e.costUsd, { provider: e.provider, model: e.model });
        this.genAi(e);
        return;
      }
      case 'retry':
        this.retries.add(1, { kind: e.kind });
        return;
      case 'fallback':
        this.fallbacks.add(1, { from: e.from, to: e.to });
        return;
      case 'spill':
        this.spills.add(1, { from: e.from, to: e.to });
        return;
      default:
        return;
    }
  }
}
