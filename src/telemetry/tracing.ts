import { diag, DiagLogLevel, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { logger } from './log.js';

/** Where and how traces are exported (parsed from the OTEL_* variables by cli/otel-env.ts). */
export interface TracingConfig {
  /** Where OTLP/HTTP trace exports go (…/v1/traces). */
  url: string;
  /** OTEL_EXPORTER_OTLP_(TRACES_)HEADERS; may hold credentials: never log these. */
  headers: Record<string, string>;
  sampler: { name: SamplerName; ratio: number };
}

export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface Tracing {
  tracer: Tracer;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Default: OTLP/HTTP to `config.url` through a batching processor. */
  processor?: SpanProcessor;
}

/**
 * A tracer provider of its own (not registered globally: tagspace hands its tracer to the code
 * that traces, so nothing else in the process starts exporting by accident).
 */
export function startTracing(
  config: TracingConfig,
  resource: Record<string, string>,
  opts: TracingOptions = {},
): Tracing {
  routeDiagnostics();
  const processor =
    opts.processor ??
    new BatchSpanProcessor(new OTLPTraceExporter({ url: config.url, headers: config.headers }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    sampler: samplerFor(config.sampler),
    spanProcessors: [processor],
  });
  const log = logger('telemetry');
  log.info({ url: config.url, sampler: config.sampler.name }, 'exporting traces');
  return {
    tracer: provider.getTracer('tagspace'),
    // The last batch leaves at shutdown, and a short run (demo, replay) has all its spans in it:
    // a collector that cannot take it loses the run's traces, which must not go unsaid.
    shutdown: () =>
      provider.shutdown().catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        log.warn(
          { url: config.url, reason },
          'traces not exported: the collector did not take the last batch',
        );
      }),
  };
}

/**
 * OTEL_TRACES_SAMPLER and its argument, as the SDK specification defines them:
 *
 *   always_on | always_off | traceidratio(r) | parentbased_X = follow the parent's decision, X for roots
 */
export function samplerFor(s: TracingConfig['sampler']): Sampler {
  const root = (name: string): Sampler =>
    name === 'always_off'
      ? new AlwaysOffSampler()
      : name === 'traceidratio'
        ? new TraceIdRatioBasedSampler(s.ratio)
        : new AlwaysOnSampler();
  return s.name.startsWith('parentbased_')
    ? new ParentBasedSampler({ root: root(s.name.slice('parentbased_'.length)) })
    : root(s.name);
}

/** The SDK's own complaints (an exporter that cannot reach its endpoint) as tagspace warnings. */
let diagnosticsRouted = false;
function routeDiagnostics(): void {
  if (diagnosticsRouted) return;
  diagnosticsRouted = true;
  const log = logger('telemetry');
  const warn = (message: string, ...args: unknown[]) =>
    log.warn(
      { detail: [message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' ') },
      'opentelemetry reported a problem',
    );
  diag.setLogger(
    { error: warn, warn, info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}
