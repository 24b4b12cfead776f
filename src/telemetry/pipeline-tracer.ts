import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Delivery, Outcome, PageWork } from '../model/work.js';
import { BatchTrace } from './batch-trace.js';
import * as sc from './semconv.js';
import type { BatchObserver, TaggingObserver } from './tagging-observer.js';

export interface PipelineTracerOptions {
  tracer: Tracer;
  /** 'kafka' when events come from and go to Kafka; absent for the demo's files. */
  messagingSystem?: 'kafka';
  consumerGroup?: string;
  /** Where TagRecords are produced. */
  tagsTopic: string;
  now?: () => number;
}

interface EventSpans {
  consume: Span;
  /** The event arrived with a trace context (a `traceparent` header) that its consume span continues. */
  continued: boolean;
  produce?: Span;
}

const propagator = new W3CTraceContextPropagator();

/**
 * The trace of each event, W3C trace context in and out:
 *
 *   process <topic>   CONSUMER, one per event, child of the event's `traceparent` when it has one;
 *                     from receipt until its outcome is written
 *   └ tag batch       INTERNAL, child of the first of its events that continued a trace (else of
 *     │               its first event), linked to the consume spans of its other events
 *     └ <op> <model>  CLIENT, one per provider call (batch-trace.ts)
 *   └ send <tags>     PRODUCER, child of the consume span; its context is written as the
 *                     TagRecord's `traceparent` header, so consumers downstream continue the trace
 *
 * Spans are looked up by Delivery object (a WeakMap), so nothing outlives the event.
 */
export class PipelineTracer implements TaggingObserver {
  private readonly events = new WeakMap<Delivery, EventSpans>();
  private readonly tracer: Tracer;
  private readonly now: () => number;

  constructor(private readonly opts: PipelineTracerOptions) {
    this.tracer = opts.tracer;
    this.now = opts.now ?? Date.now;
  }

  received(d: Delivery): void {
    const upstream = propagator.extract(ROOT_CONTEXT, d.headers, defaultTextMapGetter);
    const continued = trace.getSpanContext(upstream) !== undefined;
    const attributes: Attributes = {
      [sc.MESSAGING_OPERATION_NAME]: 'process',
      [sc.MESSAGING_OPERATION_TYPE]: 'process',
      [sc.MESSAGING_DESTINATION_NAME]: d.topic,
      [sc.MESSAGING_DESTINATION_PARTITION_ID]: String(d.partition),
      [sc.MESSAGING_KAFKA_OFFSET]: Number(d.offset),
    };
    if (this.opts.messagingSystem !== undefined) attributes[sc.MESSAGING_SYSTEM] = this.opts.messagingSystem;
    if (this.opts.consumerGroup !== undefined)
      attributes[sc.MESSAGING_CONSUMER_GROUP_NAME] = this.opts.consumerGroup;
    if (d.key !== null) attributes[sc.MESSAGING_KAFKA_MESSAGE_KEY] = d.key.toString();
    const consume = this.tracer.startSpan(
      `process ${d.topic}`,
      { kind: SpanKind.CONSUMER, startTime: d.receivedAt, attributes },
      upstream,
    );
    this.events.set(d, { consume, continued });
  }

  batch(pages: readonly PageWork[]): BatchObserver {
    const spans = pages.map((p) => this.events.get(p.delivery));
    const known = spans.filter((s): s is EventSpans => s !== undefined);
    const lead = known.find((s) => s.continued) ?? known[0];
    return new BatchTrace(this.tracer, {
      parent: lead === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, lead.consume),
      // The parent is not linked again: it is already the batch's parent (and trace backends
      // such as Jaeger fold a link to the parent into the parent reference).
      links: known.filter((s) => s !== lead).map((s) => ({ context: s.consume.spanContext() })),
      pageIds: pages.map((p) => p.event.pageId),
      now: this.now,
    });
  }

  /**
   * The trace headers of the TagRecord (or tombstone) written for `outcome`: a PRODUCER span is
   * started under the event's consume span and its context injected. It ends in `written`.
   */
  headersFor(outcome: Outcome): Record<string, string> {
    const spans = this.events.get(outcome.delivery);
    const parent =
      spans === undefined
        ? propagator.extract(ROOT_CONTEXT, outcome.delivery.headers, defaultTextMapGetter)
        : trace.setSpan(ROOT_CONTEXT, spans.consume);
    const pageId =
      outcome.kind === 'tagged' ? outcome.record.pageId : 'pageId' in outcome ? outcome.pageId : undefined;
    const attributes: Attributes = {
      [sc.MESSAGING_OPERATION_NAME]: 'send',
      [sc.MESSAGING_OPERATION_TYPE]: 'send',
      [sc.MESSAGING_DESTINATION_NAME]: this.opts.tagsTopic,
    };
    if (this.opts.messagingSystem !== undefined) attributes[sc.MESSAGING_SYSTEM] = this.opts.messagingSystem;
    if (pageId !== undefined) attributes[sc.MESSAGING_KAFKA_MESSAGE_KEY] = pageId;
    if (outcome.kind === 'tombstone') attributes[sc.MESSAGING_KAFKA_MESSAGE_TOMBSTONE] = true;
    const produce = this.tracer.startSpan(
      `send ${this.opts.tagsTopic}`,
      { kind: SpanKind.PRODUCER, startTime: this.now(), attributes },
      parent,
    );
    if (spans !== undefined) spans.produce = produce;
    else produce.end();
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, produce), headers, defaultTextMapSetter);
    return headers;
  }

  written(outcome: Outcome): void {
    const spans = this.events.get(outcome.delivery);
    if (spans === undefined) return;
    this.events.delete(outcome.delivery);
    const at = this.now();
    spans.produce?.end(at);
    const { consume } = spans;
    consume.setAttribute(
      sc.TAGSPACE_OUTCOME,
      outcome.kind === 'tagged' && outcome.record.cached ? 'cached' : outcome.kind,
    );
    if (outcome.kind === 'tagged') {
      consume.setAttribute(sc.TAGSPACE_PAGE_ID, outcome.record.pageId);
      consume.setAttribute(sc.TAGSPACE_PAGE_VERSION, outcome.record.version);
    } else if (outcome.kind === 'skipped') {
      consume.setAttribute(sc.TAGSPACE_SKIP_REASON, outcome.reason);
    } else if (outcome.kind === 'dead_letter') {
      consume.setAttribute(sc.ERROR_TYPE, outcome.error.kind);
      consume.setStatus({ code: SpanStatusCode.ERROR, message: `dead-lettered: ${outcome.error.kind}` });
    }
    consume.end(at);
  }
}
