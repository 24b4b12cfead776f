import type { Config } from './config.js';
import type { Readiness } from '../telemetry/metrics-server.js';
import type { MetricSource } from '../telemetry/metric-source.js';
import { serveSources } from '../telemetry/serve-metrics.js';

export interface ServiceMetrics {
  /** Where /metrics is served; undefined when --metrics-port is not given. */
  url: string | undefined;
  close(): Promise<void>;
}

/**
 * /metrics, /healthz and /readyz for a Confluence service (ingest, webhook, labels) when
 * --metrics-port is given: its own counts, and ready once every check holds. Started before the
 * service proves its credentials, so an orchestrator's liveness probe is answered from the start.
 */
export async function serveServiceMetrics(
  config: Pick<Config, 'telemetry'>,
  sources: readonly MetricSource[],
  readiness: () => Readiness,
): Promise<ServiceMetrics> {
  const at = config.telemetry.metrics;
  if (at === undefined) return { url: undefined, close: () => Promise.resolve() };
  const served = await serveSources(at, config.telemetry.resource, sources, readiness);
  return { url: `${served.server.url}/metrics`, close: () => served.shutdown() };
}
