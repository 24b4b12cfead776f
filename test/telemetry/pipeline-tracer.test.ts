import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TagspaceError } from '../../src/model/errors.js';
import { PipelineTracer } from '../../src/telemetry/pipeline-tracer.js';
import type { Outcome, PageWork } from '../../src/model/work.js';
import { recordFor, work } from '../operators/fixtures.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const UPSTREAM_SPAN = '00f067aa0ba902b7';
const SECRET_BODY = 'the quarterly plan mentions sk-live-0123456789abcdef';

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;
let clock: number;
let tracer: PipelineTracer;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  clock = 1_700_000_000_000;
  tracer = new PipelineTracer({
    tracer: provider.getTracer('test'),
    messagingSystem: 'kafka',
    consumerGroup: 'tagspace',
    tagsTopic: 'page-tags',
    now: () => clock,
  });
});

afterEach(async () => {
  await provider.shutdown();
});

/** A page whose delivery carries an upstream traceparent (or not), received at `clock`. */
function page(pageId: string, traced: boolean): PageWork {
  const w = work(pageId, 2, { body: SECRET_BODY });
  w.delivery.receivedAt = clock;
  w.delivery.partition = 3;
  w.delivery.offset = '42';
  if (traced) w.delivery.headers = { traceparent: `00-${TRACE_ID}-${UPSTREAM_SPAN}-01` };
  return w;
}

function tagged(w: PageWork): Outcome {
  return { kind: 'tagged', delivery: w.delivery, record: recordFor(w) };
}

function span(name: string): ReadableSpan {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(found, `spans named ${name}`).toHaveLength(1);
  return found[0] as ReadableSpan;
}

const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;

describe('PipelineTracer', () => {
  it('continues an upstream traceparent through consume, batch, provider call and produce', () => {
    const plain = page('p-1', false);
    const traced = page('p-2', true);
    tracer.received(plain.delivery);
    tracer.received(traced.delivery);

    clock += 10;
    const batch = tracer.batch([plain, traced]);
    clock += 100;
    batch.event({
      type: 'call',
      provider: 'gemini',
      model: 'gemini-2.0-flash',
      attempt: 1,
      pages: 2,
      outcome: 'rate_limited',
      status: 429,
      retryAfterMs: 1500,
    });
    batch.event({
      type: 'retry',
      attempt: 1,
      delayMs: 1500,
      kind: 'rate_limited',
      provider: 'gemini',
      retryAfterMs: 1500,
    });
    batch.event({ type: 'breaker', provider: 'gemini', from: 'closed', to: 'open', reason: 'rate limited' });
    batch.event({ type: 'fallback', from: 'gemini', to: 'openai', reason: 'gemini breaker open', pages: 2 });
    clock += 1500 + 200;
    batch.event({
      type: 'call',
      provider: 'openai',
      model: 'gpt-4o-mini',
      attempt: 2,
      pages: 2,
      outcome: 'ok',
      latencyMs: 190,
      finishReason: 'stop',
      inputTokens: 812,
      outputTokens: 64,
      costUsd: 0.0002,
      responseModel: 'gpt-4o-mini-2024-07-18',
      serverAddress: 'api.openai.com',
      serverPort: 443,
    });
    batch.end();

    const headers = tracer.headersFor(tagged(traced));
    clock += 5;
    tracer.written(tagged(traced));
    tracer.written(tagged(plain));

    const consume = exporter
      .getFinishedSpans()
      .find((s) => s.name === 'process page-events' && s.spanContext().traceId === TRACE_ID) as ReadableSpan;
    expect(consume.kind).toBe(SpanKind.CONSUMER);
    expect(consume.parentSpanContext?.spanId).toBe(UPSTREAM_SPAN);
    expect(consume.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'page-events',
      'messaging.destination.partition.id': '3',
      'messaging.kafka.offset': 42,
      'messaging.kafka.message.key': 'p-2',
      'messaging.consumer.group.name': 'tagspace',
      'tagspace.outcome': 'tagged',
    });

    // The batch continues the traced event's trace though that event is second, and links both.
    const batchSpan = span('tag batch');
    expect(batchSpan.spanContext().traceId).toBe(TRACE_ID);
    expect(batchSpan.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    const plainConsume = exporter
      .getFinishedSpans()
      .find((s) => s.name === 'process page-events' && s !== consume) as ReadableSpan;
    expect(batchSpan.links.map((l) => l.context.spanId)).toEqual([plainConsume.spanContext().spanId]);
    expect(batchSpan.events.map((e) => e.name)).toEqual(['retry', 'breaker', 'fallback']);
    expect(batchSpan.events[0]?.attributes).toMatchObject({
      'tagspace.attempt': 1,
      'tagspace.delay_ms': 1500,
      'error.type': 'rate_limited',
      'tagspace.retry_after_ms': 1500,
    });
    expect(batchSpan.events[2]?.attributes).toMatchObject({
      'tagspace.from': 'gemini',
      'tagspace.to': 'openai',
    });
    expect(batchSpan.attributes['tagspace.calls']).toBe(2);

    const throttled = span('generate_content gemini-2.0-flash');
    expect(throttled.kind).toBe(SpanKind.CLIENT);
    expect(throttled.parentSpanContext?.spanId).toBe(batchSpan.spanContext().spanId);
    expect(throttled.status.code).toBe(SpanStatusCode.ERROR);
    expect(throttled.attributes).toMatchObject({
      'gen_ai.system': 'gcp.gemini',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.0-flash',
      'tagspace.attempt': 1,
      'tagspace.retry_after_ms': 1500,
      'tagspace.outcome': 'rate_limited',
      'error.type': 'rate_limited',
      'http.response.status_code': 429,
    });
    const answered = span('chat gpt-4o-mini');
    expect(answered.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 812,
      'gen_ai.usage.output_tokens': 64,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'server.address': 'api.openai.com',
      'server.port': 443,
      'tagspace.attempt': 2,
      'tagspace.outcome': 'ok',
    });
    // The second call starts when the retry's backoff ended, not when the first call did.
    expect(ms(answered.startTime) - ms(throttled.endTime)).toBeCloseTo(1500, 0);
    expect(ms(answered.endTime) - ms(answered.startTime)).toBeCloseTo(200, 0);

    const produce = span('send page-tags');
    expect(produce.kind).toBe(SpanKind.PRODUCER);
    expect(produce.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(produce.attributes).toMatchObject({
      'messaging.destination.name': 'page-tags',
      'messaging.kafka.message.key': 'p-2',
    });
    expect(headers.traceparent).toBe(`00-${TRACE_ID}-${produce.spanContext().spanId}-01`);
  });

  it('starts a new trace for an event without a traceparent', () => {
    const w = page('p-9', false);
    tracer.received(w.delivery);
    tracer.written({ kind: 'skipped', delivery: w.delivery, pageId: 'p-9', reason: 'duplicate' });
    const consume = span('process page-events');
    expect(consume.parentSpanContext).toBeUndefined();
    expect(consume.attributes).toMatchObject({
      'tagspace.outcome': 'skipped',
      'tagspace.skip_reason': 'duplicate',
    });
  });

  it('marks a dead-lettered event as an error with the error kind', () => {
    const w = page('p-3', false);
    tracer.received(w.delivery);
    tracer.written({
      kind: 'dead_letter',
      delivery: w.delivery,
      error: new TagspaceError('invalid_event', 'bad'),
      attempts: 0,
    });
    const consume = span('process page-events');
    expect(consume.status.code).toBe(SpanStatusCode.ERROR);
    expect(consume.attributes['error.type']).toBe('invalid_event');
  });

  it('puts no page text and no key in any attribute or event', () => {
    const w = page('p-4', true);
    tracer.received(w.delivery);
    const batch = tracer.batch([w]);
    batch.event({
      type: 'call',
      provider: 'gemini',
      model: 'm',
      attempt: 1,
      pages: 1,
      outcome: 'ok',
      inputTokens: 1,
      outputTokens: 1,
    });
    batch.end();
    tracer.headersFor(tagged(w));
    tracer.written(tagged(w));
    const everything = JSON.stringify(
      exporter.getFinishedSpans().map((s) => ({ a: s.attributes, e: s.events, n: s.name })),
    );
    expect(exporter.getFinishedSpans()).toHaveLength(4);
    expect(everything).not.toContain('quarterly');
    expect(everything).not.toContain('sk-live');
  });
});
