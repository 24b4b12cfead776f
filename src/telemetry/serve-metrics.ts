import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { logger } from './log.js';
import { startMetricsServer, type MetricsServer, type Readiness } from './metrics-server.js';
import { PipelineMetrics, type GaugeSources } from './pipeline-metrics.js';

const log = logger('telemetry');

/** The pipeline's metrics, and the server that exposes them with /healthz and /readyz. */
export interface ServedMetrics {
  metrics: PipelineMetrics;
  /** Undefined when the port could not be bound (the run goes on without it). */
  server: MetricsServer | undefined;
  shutdown(): Promise<void>;
}

/**
 * Meters the pipeline into a Prometheus exporter of its own (not the global meter provider) and
 * serves it on `at`. A port already taken is a warning, not a failed run.
 */
export async function serveMetrics(
  at: { port: number; host: string },
  serviceName: string,
  sources: GaugeSources,
  readiness: () => Readiness,
): Promise<ServedMetrics> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    readers: [exporter],
  });
  const metrics = new PipelineMetrics(meterProvider.getMeter('tagspace'), sources);
  let server: MetricsServer | undefined;
  try {
    server = await startMetricsServer({ ...at, exporter, readiness });
    log.info({ url: `${server.url}/metrics` }, 'metrics server listening');
  } catch (err) {
    log.warn({ port: at.port, host: at.host, err: (err as Error).message }, 'metrics server not started');
  }
  return {
    metrics,
    server,
    shutdown: async () => {
      await Promise.allSettled([server?.close(), meterProvider.shutdown()]);
    },
  };
}
