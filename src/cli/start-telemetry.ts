import type { Subscription } from 'rxjs';
import type { TelemetryConfig } from './config.js';
import { logger } from '../telemetry/log.js';
import { renderReport } from '../report/render-report.js';
import { RunRecorder } from '../report/run-recorder.js';
import type { Router } from '../router/router.js';
import type { Summary } from '../run/summary.js';
import type { TagCache } from '../pipeline/tag-cache.js';
import type { Outcome } from '../model/work.js';
import type { PipelineMetrics } from '../telemetry/pipeline-metrics.js';
import { serveMetrics, type ServedMetrics } from '../telemetry/serve-metrics.js';
import { PipelineTracer } from '../telemetry/pipeline-tracer.js';
import { combineObservers, type TaggingObserver } from '../telemetry/tagging-observer.js';
import { startTracing, type Tracing, type TracingOptions } from '../telemetry/tracing.js';
import type { ProviderName } from '../model/provider-name.js';
import { writeOutput } from '../run/write-output.js';

const log = logger('telemetry');

export interface TelemetryDeps {
  command: string;
  router: Router;
  cache: TagCache;
  /** The providers that have a key: readiness needs one of them usable. */
  providers: readonly ProviderName[];
  /** Kafka edges; absent for the demo's files. */
  kafka?: { tagsTopic: string; group?: string };
  /** The consumer: joined its group? how far behind? Absent: no consumer (always joined). */
  consumer?: {
    ready: () => boolean;
    /** Not yet committed (what operators call consumer lag). */
    lag?: () => number | undefined;
    /** Not yet fetched. */
    fetchLag?: () => number | undefined;
  };
  tracing?: TracingOptions;
}

/**
 * Everything a run reports beyond its summary, each part only when configured:
 *
 *   tracing   spans per event, batch, provider call and produce (OTLP/HTTP)   config.tracing
 *   metrics   /metrics, /healthz, /readyz                                     config.metrics
 *   report    the HTML run report, written by `finish`                        config.report
 *
 * With all three off, `observer` and `headersFor` are undefined and the pipeline does no work at
 * all for telemetry.
 */
export interface Telemetry {
  observer: TaggingObserver | undefined;
  /** The sink's header source for TagRecords (tracing on); undefined keeps the sink's default. */
  headersFor: ((outcome: Outcome) => Record<string, string>) | undefined;
  /** Tells the observers an outcome is durable. */
  written(outcome: Outcome): void;
  /** Where /metrics is served, when it is. */
  metricsUrl: string | undefined;
  /** Writes the report (if asked for) from the run's summary. */
  finish(summary: Summary): Promise<void>;
  /** Flushes traces and stops the metrics server. */
  shutdown(): Promise<void>;
}

export async function startTelemetry(config: TelemetryConfig, deps: TelemetryDeps): Promise<Telemetry> {
  const subscriptions: Subscription[] = [];
  let tracing: Tracing | undefined;
  let tracer: PipelineTracer | undefined;
  if (config.tracing !== undefined) {
    tracing = startTracing(config.tracing, config.resource, deps.tracing);
    tracer = new PipelineTracer({
      tracer: tracing.tracer,
      tagsTopic: deps.kafka?.tagsTopic ?? 'tags',
      ...(deps.kafka !== undefined && { messagingSystem: 'kafka' as const }),
      ...(deps.kafka?.group !== undefined && { consumerGroup: deps.kafka.group }),
    });
  }

  let metrics: PipelineMetrics | undefined;
  let served: ServedMetrics | undefined;
  if (config.metrics !== undefined) {
    let effective = 0;
    subscriptions.push(deps.router.limit$.subscribe((v) => (effective = v)));
    const lag = deps.consumer?.lag;
    const fetchLag = deps.consumer?.fetchLag;
    served = await serveMetrics(
      config.metrics,
      config.resource,
      {
        limit: () => deps.router.metrics().current_concurrency,
        effectiveLimit: () => effective,
        ...(lag !== undefined && { lag }),
        ...(fetchLag !== undefined && { fetchLag }),
        calls: () => deps.router.calls(),
        cache: () => deps.cache.stats(),
        quotas: () => deps.router.metrics().quotas,
        providerStates: () => deps.router.providerStates(),
      },
      () => ({
        consumer_joined: deps.consumer?.ready() ?? true,
        // Refused at start-up's check or at a call: the router's own state, either way.
        provider_usable: deps.router.providerStates().some((p) => p.state !== 'unusable'),
      }),
    ).catch(async (err: unknown) => {
      for (const s of subscriptions) s.unsubscribe();
      await tracing?.shutdown();
      throw err;
    });
    metrics = served.metrics;
  }
  const server = served?.server;

  let recorder: RunRecorder | undefined;
  if (config.report !== undefined) {
    recorder = new RunRecorder();
    subscriptions.push(recorder.watchLimit(deps.router.limit$));
  }

  const observer = combineObservers([tracer, metrics, recorder]);
  const written = observer?.written;
  return {
    observer,
    headersFor: tracer === undefined ? undefined : (o) => (tracer as PipelineTracer).headersFor(o),
    written: written === undefined ? () => {} : (o) => written.call(observer, o),
    metricsUrl: server?.url,
    finish: async (summary) => {
      if (recorder === undefined || config.report === undefined) return;
      await writeOutput(
        '--report',
        config.report,
        renderReport(recorder.report(summary, { command: deps.command })),
      );
      log.info({ file: config.report }, 'run report written');
    },
    shutdown: async () => {
      for (const s of subscriptions) s.unsubscribe();
      await Promise.allSettled([tracing?.shutdown(), served?.shutdown()]);
    },
  };
}

/** The providers a run has keys for. */
export function configuredProviders(config: {
  gemini: { apiKey: string | undefined };
  openai: { apiKey: string | undefined };
}): ProviderName[] {
  return (['gemini', 'openai'] as const).filter((p) => config[p].apiKey !== undefined);
}
