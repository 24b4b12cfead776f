import { randomBytes } from 'node:crypto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpTracesUrl, queryTraces, startJaeger, stopJaeger } from '../support/jaeger.js';
import { waitFor } from '../support/wait-for.js';

describe('the local Jaeger', () => {
  // A machine that has never built Jaeger builds it here: minutes on two cores.
  beforeAll(async () => {
    await startJaeger();
  }, 20 * 60_000);
  afterAll(stopJaeger);

  it('receives a span over OTLP/HTTP and returns it from /api/traces', async () => {
    const service = `tagspace-infra-${randomBytes(4).toString('hex')}`;
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl() }))],
    });
    const span = provider
      .getTracer('infra-test')
      .startSpan('infra check', { attributes: { 'page.id': 'p-1' } });
    const traceId = span.spanContext().traceId;
    span.end();
    await provider.forceFlush();
    await provider.shutdown();

    const traces = await waitFor(
      async () => {
        const found = await queryTraces(service);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: `a trace of ${service} in Jaeger` },
    );
    expect(traces).toHaveLength(1);
    const [trace] = traces;
    expect(trace?.traceID).toBe(traceId);
    expect(trace?.spans.map((s) => s.operationName)).toEqual(['infra check']);
    expect(trace?.spans[0]?.tags).toContainEqual({ key: 'page.id', type: 'string', value: 'p-1' });
    expect(Object.values(trace?.processes ?? {}).map((p) => p.serviceName)).toEqual([service]);
  });
});
