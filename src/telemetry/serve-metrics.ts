import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { logger } from './log.js';
import { TagspaceError } from '../model/errors.js';
import { listenError, startMetricsServer, type MetricsServer, type Readiness } from './metrics-server.js';
import type { GaugeSources } from './gauge-sources.js';
import { PipelineMetrics } from './pipeline-metrics.js';

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
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes(resource),
    readers: [exporter],
  });
  const metrics = new PipelineMetrics(meterProvider.getMeter('tagspace'), sources);
  let server: MetricsServer;
  try {
    server = await startMetricsServer({ ...at, exporter, readiness });
  } catch (err) {
    await meterProvider.shutdown();
    // Without its server the run would go on unwatched (no /healthz for the orchestrator): stop.
    throw new TagspaceError(
      'config',
      `invalid --metrics-port: cannot listen on ${at.host}:${at.port} (${listenError(err)})`,
      { setting: 'TAGSPACE_METRICS_PORT' },
    );
  }
  log.info({ url: `${server.url}/metrics` }, 'metrics server listening');
  return {
    metrics,
    server,
    shutdown: async () => {
      await Promise.allSettled([server.close(), meterProvider.shutdown()]);
    },
  };
}
