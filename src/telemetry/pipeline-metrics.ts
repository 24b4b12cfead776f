import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { RouterEvent } from '../model/router-event.js';
import type { Outcome, PageWork } from '../model/work.js';
import type { BatchObserver, TaggingObserver } from './tagging-observer.js';

/** What the gauges read when Prometheus scrapes. */
export interface GaugeSources {
  /** The controller's concurrency limit (the origin's current_concurrency). */
  limit: () => number;
  /** The limit the pipeline dispatches at now (0 while paused for a retry hint). */
  effectiveLimit?: () => number;
  /** Events the consumer is behind the partitions' ends (high watermark − position). */
  lag?: () => number | undefined;
  cache?: () => { hits: number; misses: number; size: number };
}

/**
 * The run as OpenTelemetry metrics (served for Prometheus by metrics-server.ts). The origin
 * document's counters keep its names:
 *
 *   tagspace_ai_calls_total{provider,model,outcome}  = total_ai_calls   (every call, retries included)
 *   tagspace_successful_calls_total                  = successful_calls (outcome = ok)
 *   tagspace_failed_calls_total{kind}                = failed_calls
 *   tagspace_rate_limit_errors_total                 = rate_limit_errors (429 or rate_limited)
 *   tagspace_fallback_switches_total, tagspace_retries_total
 *   tagspace_events_total{outcome}                   tagged · cached · tombstone · skipped · dead_letter
 *
 * plus histograms tagspace_provider_latency_seconds{provider,outcome} (answered calls, as the
 * provider measured them), tagspace_batch_size, tagspace_edit_to_tag_seconds, counters of tokens
 * and cost, and gauges tagspace_concurrency_limit (the controller's), tagspace_concurrency_effective
 * (0 while paused for a retry hint), tagspace_inflight_calls (batches at the providers),
 * tagspace_consumer_lag, and the cache's hits, misses and size.
 */
export class PipelineMetrics implements TaggingObserver {
  private readonly calls: Counter;
  private readonly successful: Counter;
  private readonly failed: Counter;
  private readonly rateLimited: Counter;
  private readonly fallbacks: Counter;
  private readonly retries: Counter;
  private readonly events: Counter;
  private readonly tokens: Counter;
  private readonly cost: Counter;
  private readonly latency: Histogram;
  private readonly batchSize: Histogram;
  private readonly editToTag: Histogram;
  private inFlight = 0;

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
    this.retries = meter.createCounter('tagspace.retries', { description: 'retries after a failed call' });
    this.events = meter.createCounter('tagspace.events', {
      description: 'input events by outcome, once written',
    });
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
    meter
      .createObservableGauge('tagspace.concurrency.limit', {
        description: 'concurrency limit of the LLM stage',
      })
      .addCallback((r) => r.observe(sources.limit()));
    const { effectiveLimit, lag, cache } = sources;
    if (effectiveLimit !== undefined)
      meter
        .createObservableGauge('tagspace.concurrency.effective', {
          description: 'limit dispatched at now (0 while paused for a retry hint)',
        })
        .addCallback((r) => r.observe(effectiveLimit()));
    meter
      .createObservableGauge('tagspace.inflight_calls', { description: 'batches at the providers now' })
      .addCallback((r) => r.observe(this.inFlight));
    if (lag !== undefined)
      meter
        .createObservableGauge('tagspace.consumer.lag', {
          description: 'events behind the partitions\u2019 ends',
        })
        .addCallback((r) => {
          const value = lag();
          if (value !== undefined) r.observe(value);
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
        .createObservableGauge('tagspace.cache.size', { description: 'entries in the content cache' })
        .addCallback((r) => r.observe(cache().size));
    }
  }

  batch(pages: readonly PageWork[]): BatchObserver {
    this.batchSize.record(pages.length);
    this.inFlight += 1;
    return {
      event: (e) => this.event(e),
      end: () => {
        this.inFlight -= 1;
      },
    };
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
        if (e.latencyMs !== undefined)
          this.latency.record(e.latencyMs / 1000, { provider: e.provider, outcome: e.outcome });
        if (e.inputTokens !== undefined)
          this.tokens.add(e.inputTokens, { provider: e.provider, model: e.model, type: 'input' });
        if (e.outputTokens !== undefined)
          this.tokens.add(e.outputTokens, { provider: e.provider, model: e.model, type: 'output' });
        if (e.costUsd !== undefined && e.costUsd > 0)
          this.cost.add(e.costUsd, { provider: e.provider, model: e.model });
        return;
      }
      case 'retry':
        this.retries.add(1, { kind: e.kind });
        return;
      case 'fallback':
        this.fallbacks.add(1, { from: e.from, to: e.to });
        return;
      default:
        return;
    }
  }
}
