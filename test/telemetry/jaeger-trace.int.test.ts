import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageEvent } from '../../src/model/page-event.js';
import { editPages } from '../../src/gen/edit-space.js';
import { generateSpace } from '../../src/gen/generate-space.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { cleanEnv, runCli } from '../support/cli.js';
import {
  startJaeger,
  stopJaeger,
  type JaegerEndpoints,
  type JaegerSpan,
  type JaegerTrace,
} from '../support/jaeger.js';
import { consumeUntil, createTopics, produceMessages, testBrokers, uniqueTopic } from '../support/kafka.js';
import { waitFor } from '../support/wait-for.js';

/** Looks like a real key, so a leak into a span would be caught below. */
const API_KEY = 'AIzaSyJAEGER-test-key-0123456789abcdefgh';

let jaeger: JaegerEndpoints;
let sim: Simulator;

beforeAll(async () => {
  // A machine that has never built Jaeger builds it here: minutes on two cores.
  jaeger = await startJaeger();
  sim = await startSimulator({
    port: 0,
    scenario: { seed: 5, gemini: { rpm: 1000, windowMs: 1000, latencyMs: { median: 15 } } },
  });
}, 20 * 60_000);

afterAll(async () => {
  await sim?.close();
  await stopJaeger();
});

async function traceById(traceId: string): Promise<JaegerTrace | undefined> {
  const res = await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(5000) });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET /api/traces/${traceId}: ${res.status}`);
  const body = (await res.json()) as { data: JaegerTrace[] | null };
  return body.data?.[0];
}

const tag = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;
const childOf = (span: JaegerSpan) =>
  span.references.filter((r) => r.refType === 'CHILD_OF').map((r) => r.spanID);

describe('tracing a replay into Jaeger', () => {
  it('follows an edit that carries a traceparent through consume, batch, provider call and produce, and hands the trace on', async () => {
    const topic = uniqueTopic('trace-events');
    const tagsTopic = uniqueTopic('trace-tags');
    const dlqTopic = uniqueTopic('trace-dlq');
    await createTopics([{ topic, partitions: 2 }, { topic: tagsTopic, compact: true }, { topic: dlqTopic }]);
    const { events } = generateSpace({ pages: 8, seed: 21, spaceKey: 'TRC' });
    const [edit] = editPages(events, { count: 1, seed: 3, kind: 'content' }) as [PageEvent];
    const traceId = randomBytes(16).toString('hex');
    const upstreamSpanId = randomBytes(8).toString('hex');
    await produceMessages(topic, [
      ...events.map((e) => ({ key: e.pageId, value: JSON.stringify(e) })),
      {
        key: edit.pageId,
        value: JSON.stringify(edit),
        headers: { traceparent: `00-${traceId}-${upstreamSpanId}-01` },
      },
    ]);

    const service = `tagspace-it-${randomBytes(4).toString('hex')}`;
    const result = await runCli(
      [
        'replay',
        ...[
          '--brokers',
          testBrokers().join(','),
          '--topic',
          topic,
          '--tags-topic',
          tagsTopic,
          '--dlq-topic',
          dlqTopic,
        ],
        ...['--gemini-base-url', sim.geminiBaseUrl, '--linger-ms', '50'],
      ],
      {
        env: cleanEnv({
          GEMINI_API_KEY: API_KEY,
          OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl,
          OTEL_SERVICE_NAME: service,
        }),
        timeoutMs: 120_000,
      },
    );
    expect(result.code, result.stderr.slice(-2000)).toBe(0);

    const operations = (t: JaegerTrace | undefined) => new Set(t?.spans.map((s) => s.operationName));
    const trace = await waitFor(
      async () => {
        const t = await traceById(traceId);
        const ops = operations(t);
        return ops.has(`process ${topic}`) &&
          ops.has('tag batch') &&
          ops.has(`send ${tagsTopic}`) &&
          ops.has('generate_content gemini-2.0-flash')
          ? t
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: `trace ${traceId} with all four spans in Jaeger` },
    );
    expect(Object.values(trace.processes).map((p) => p.serviceName)).toEqual([service]);
    const only = (name: string): JaegerSpan => {
      const spans = trace.spans.filter((s) => s.operationName === name);
      expect(spans, name).toHaveLength(1);
      return spans[0] as JaegerSpan;
    };

    const consume = only(`process ${topic}`);
    expect(childOf(consume)).toEqual([upstreamSpanId]);
    expect(tag(consume, 'span.kind')).toBe('consumer');
    expect(tag(consume, 'messaging.system')).toBe('kafka');
    expect(tag(consume, 'messaging.destination.name')).toBe(topic);
    expect(tag(consume, 'messaging.destination.partition.id')).toMatch(/^[01]$/);
    expect(tag(consume, 'messaging.kafka.offset')).toEqual(expect.any(Number));
    expect(tag(consume, 'messaging.kafka.message.key')).toBe(edit.pageId);
    expect(tag(consume, 'tagspace.outcome')).toBe('tagged');
    expect(tag(consume, 'tagspace.page.version')).toBe(edit.version);

    const batch = only('tag batch');
    expect(childOf(batch)).toEqual([consume.spanID]);
    const links = batch.references.filter((r) => r.refType === 'FOLLOWS_FROM');
    // Linked to the consume spans of the batch's other events, each in a trace of its own.
    expect(links).toHaveLength((tag(batch, 'tagspace.pages') as number) - 1);
    for (const link of links) expect(link.traceID).not.toBe(traceId);

    const call = only('generate_content gemini-2.0-flash');
    expect(childOf(call)).toEqual([batch.spanID]);
    expect(tag(call, 'span.kind')).toBe('client');
    expect(tag(call, 'gen_ai.system')).toBe('gcp.gemini');
    expect(tag(call, 'gen_ai.provider.name')).toBe('gcp.gemini');
    expect(tag(call, 'gen_ai.request.model')).toBe('gemini-2.0-flash');
    expect(tag(call, 'gen_ai.usage.input_tokens')).toBeGreaterThan(0);
    expect(tag(call, 'gen_ai.usage.output_tokens')).toBeGreaterThan(0);
    expect(String(tag(call, 'gen_ai.response.finish_reasons'))).toContain('STOP');
    expect(tag(call, 'tagspace.attempt')).toBe(1);
    expect(tag(call, 'tagspace.outcome')).toBe('ok');

    const produce = only(`send ${tagsTopic}`);
    expect(childOf(produce)).toEqual([consume.spanID]);
    expect(tag(produce, 'span.kind')).toBe('producer');
    expect(tag(produce, 'messaging.destination.name')).toBe(tagsTopic);
    expect(tag(produce, 'messaging.kafka.message.key')).toBe(edit.pageId);

    // Downstream consumers continue the same trace from the TagRecord's headers.
    const records = await consumeUntil(tagsTopic, (ms) =>
      ms.some(
        (m) => m.key === edit.pageId && (JSON.parse(m.value ?? '{}') as PageEvent).version === edit.version,
      ),
    );
    const record = records.find(
      (m) => m.key === edit.pageId && (JSON.parse(m.value ?? '{}') as PageEvent).version === edit.version,
    );
    expect(record?.headers.traceparent).toBe(`00-${traceId}-${produce.spanID}-01`);

    // No page text and no key in any span.
    const everything = JSON.stringify(trace);
    expect(everything).not.toContain(API_KEY);
    for (const word of edit.body
      .split(/\W+/)
      .filter((w) => w.length > 12)
      .slice(0, 5))
      expect(everything).not.toContain(word);
  });
});
