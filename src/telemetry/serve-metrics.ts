import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { logger } from './log.js';
import { TagspaceError } from '../model/errors.js';
import { listenError, startMetricsServer, type MetricsServer, type Readiness } from './metrics-server.js';
import type { GaugeSources } from './gauge-sources.js';
import type { MetricSource } from './metric-source.js';
import { PipelineMetrics } from './pipeline-metrics.js';
import { registerSources } from './register-sources.js';

const log = logger('telemetry');

/** The pipeline's metrics, and the server that exposes them with /healthz and /readyz. */
export interface ServedMetrics {
  metrics: PipelineMetrics;
  server: MetricsServer;
  shutdown(): Promise<void>;
}

/**
 * Meters the pipeline into a Prometheus exporter of its own (not the global meter provider) and
 * serves it on `at`. A port already taken stops start-up (a `config` error naming --metrics-port).
 */
export async function serveMetrics(
  at: { port: number; host: string },
  resource: Record<string, string>,
  sources: GaugeSources,
  readiness: () => Readiness,
): Promise<ServedMetrics> {
  const served = await serveMeter(at, resource, readiness, (meter) => new PipelineMetrics(meter, sources));
  return { metrics: served.metered, server: served.server, shutdown: served.shutdown };
}

/** A service's counts (ingest, webhook, labels: metric-source.ts), served the same way. */
export async function serveSources(
  at: { port: number; host: string },
  resource: Record<string, string>,
  sources: readonly MetricSource[],
  readiness: () => Readiness,
): Promise<{ server: MetricsServer; shutdown(): Promise<void> }> {
  return serveMeter(at, resource, readiness, (meter) => registerSources(meter, sources));
}

async function serveMeter<T>(
  at: { port: number; host: string },
  resource: Record<string, string>,
  readiness: () => Readiness,
  meterWith: (meter: Meter) => T,
): Promise<{ metered: T; server: MetricsServer; shutdown(): Promise<void> }> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [exporter],
  });
  const metered = meterWith(meterProvider.getMeter('tagspace'));
  let server: MetricsServer;
  try {
    server = await startMetricsServer({ ...at, exporter, readiness });
  } catch (err) {
    await meterProvider.shutdown();
    // Without its server the process would go on unwatched (no /healthz for the orchestrator): stop.
    throw new TagspaceError(
      'config',
      `invalid --metrics-port: cannot listen on ${at.host}:${at.port} (${listenError(err)})`,
      { setting: 'TAGSPACE_METRICS_PORT' },
    );
  }
  log.info({ url: `${server.url}/metrics` }, 'metrics server listening');
  return {
    metered,
    server,
    shutdown: async () => {
      await Promise.allSettled([server.close(), meterProvider.shutdown()]);
    },
  };
}
