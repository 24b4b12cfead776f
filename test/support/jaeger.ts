import {
  jaegerEndpoints,
  startJaeger as startJaegerProcess,
  stopJaeger as stopJaegerProcess,
  type JaegerEndpoints,
} from '../../scripts/jaeger.mjs';

export type { JaegerEndpoints };

let startedHere = false;
const quiet = () => undefined;

/**
 * Starts the local Jaeger (building it first on a machine that has never built it) unless one
 * already answers; resolves with its endpoints once `/api/services` answers.
 */
export async function startJaeger(): Promise<JaegerEndpoints> {
  const result = await startJaegerProcess({ log: quiet });
  if (result.started) startedHere = true;
  return { queryUrl: result.queryUrl, otlpHttpUrl: result.otlpHttpUrl, otlpGrpcUrl: result.otlpGrpcUrl };
}

/** Stops Jaeger if this test process started it; a Jaeger someone else runs is left alone. */
export async function stopJaeger(): Promise<void> {
  if (!startedHere) return;
  await stopJaegerProcess({ log: quiet });
  startedHere = false;
}

/** Where an OTLP/HTTP trace exporter should send spans. */
export function otlpTracesUrl(): string {
  return `${jaegerEndpoints.otlpHttpUrl}/v1/traces`;
}

export interface JaegerTag {
  key: string;
  type: string;
  value: unknown;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: JaegerTag[];
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>;
}

/** The traces Jaeger holds for the service (most recent first, up to `limit`); [] for none. */
export async function queryTraces(
  service: string,
  { limit = 100 }: { limit?: number } = {},
): Promise<JaegerTrace[]> {
  const url = `${jaegerEndpoints.queryUrl}/api/traces?service=${encodeURIComponent(service)}&limit=${limit}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { data: JaegerTrace[] | null };
  return body.data ?? [];
}
