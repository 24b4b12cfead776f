import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { CallEvent, RouterEvent } from '../model/router-event.js';
import * as sc from './semconv.js';
import type { BatchObserver } from './tagging-observer.js';

/**
 * The spans of one batch: a `tag batch` span (parent: the consume span the batch continues, links:
 * every page's consume span) and, under it, one CLIENT span per provider call. Router events come
 * after the fact, so a call span is placed on the clock like this:
 *
 *   start(call) = cursor            cursor ← batch start;  after a call: its end;
 *   end(call)   = now()                        after a retry: now + delayMs (the backoff it waits)
 *
 * Retries, fallbacks, breaker changes, holds, splits and failed pages become events of the batch
 * span. No page text and no key is ever an attribute.
 */
export class BatchTrace implements BatchObserver {
  private readonly span: Span;
  private readonly parent: Context;
  private readonly now: () => number;
  private cursor: number;
  private calls = 0;

  constructor(
    private readonly tracer: Tracer,
    opts: { parent: Context; links: Link[]; pageIds: string[]; now: () => number },
  ) {
    this.now = opts.now;
    this.cursor = opts.now();
    this.span = tracer.startSpan(
      'tag batch',
      {
        kind: SpanKind.INTERNAL,
        startTime: this.cursor,
        links: opts.links,
        attributes: {
          [sc.TAGSPACE_PAGES]: opts.pageIds.length,
          [sc.MESSAGING_BATCH_MESSAGE_COUNT]: opts.pageIds.length,
          [sc.TAGSPACE_PAGE_IDS]: opts.pageIds,
        },
      },
      opts.parent,
    );
    this.parent = trace.setSpan(opts.parent, this.span);
  }

  event(e: RouterEvent): void {
    const at = this.now();
    switch (e.type) {
      case 'call':
        this.callSpan(e, at);
        this.cursor = at;
        return;
      case 'retry':
        this.cursor = at + e.delayMs;
        this.span.addEvent(
          'retry',
          defined({
            [sc.TAGSPACE_ATTEMPT]: e.attempt,
            [sc.TAGSPACE_DELAY_MS]: e.delayMs,
            [sc.ERROR_TYPE]: e.kind,
            [sc.TAGSPACE_PROVIDER]: e.provider,
            [sc.TAGSPACE_RETRY_AFTER_MS]: e.retryAfterMs,
          }),
          at,
        );
        return;
      case 'fallback':
        this.span.addEvent(
          'fallback',
          {
            [sc.TAGSPACE_FROM]: e.from,
            [sc.TAGSPACE_TO]: e.to,
            [sc.TAGSPACE_REASON]: e.reason,
            [sc.TAGSPACE_PAGES]: e.pages,
          },
          at,
        );
        return;
      case 'spill':
        this.span.addEvent(
          'spill',
          {
            'tagspace.from': e.from,
            'tagspace.to': e.to,
            'tagspace.reason': e.reason,
            [sc.TAGSPACE_PAGES]: e.pages,
          },
          at,
        );
        return;
      case 'breaker':
        this.span.addEvent(
          'breaker',
          {
            [sc.TAGSPACE_PROVIDER]: e.provider,
            [sc.TAGSPACE_FROM]: e.from,
            [sc.TAGSPACE_TO]: e.to,
            [sc.TAGSPACE_REASON]: e.reason,
          },
          at,
        );
        return;
      case 'provider_unusable':
        this.span.addEvent(
          'provider unusable',
          defined({
            [sc.TAGSPACE_PROVIDER]: e.provider,
            [sc.ERROR_TYPE]: e.kind,
            [sc.TAGSPACE_SETTING]: e.setting,
          }),
          at,
        );
        return;
      case 'hold':
        this.span.addEvent(
          'hold',
          defined({
            [sc.TAGSPACE_WAIT_MS]: e.waitMs,
            [sc.TAGSPACE_REASON]: e.reason,
            [sc.TAGSPACE_PAGES]: e.pages,
          }),
          at,
        );
        return;
      case 'attribution':
        this.span.addEvent(
          'attribution',
          {
            [sc.TAGSPACE_PAGES]: e.pages,
            [sc.TAGSPACE_UNANSWERED]: e.unanswered.length,
            [sc.TAGSPACE_INVENTED]: e.invented,
            [sc.TAGSPACE_DUPLICATED]: e.duplicated.length,
            [sc.TAGSPACE_SUSPECT]: e.suspect.length,
          },
          at,
        );
        return;
      case 'doubt':
        this.span.addEvent(
          'doubt',
          {
            [sc.TAGSPACE_PAGES]: e.pages,
            [sc.TAGSPACE_SUSPECT]: e.suspect.length,
            [sc.TAGSPACE_REFUTED]: e.refuted,
          },
          at,
        );
        return;
      case 'split':
        this.span.addEvent(
          'split',
          { [sc.TAGSPACE_PAGES]: e.pages, [sc.TAGSPACE_INTO]: e.into, [sc.ERROR_TYPE]: e.reason },
          at,
        );
        return;
      case 'page_failed':
        this.span.addEvent(
          'page failed',
          { [sc.TAGSPACE_PAGE_ID]: e.pageId, [sc.ERROR_TYPE]: e.kind, [sc.TAGSPACE_ATTEMPT]: e.attempts },
          at,
        );
        return;
    }
  }

  end(error?: unknown): void {
    this.span.setAttribute(sc.TAGSPACE_CALLS, this.calls);
    if (error !== undefined) {
      const kind = (error as { kind?: unknown }).kind;
      this.span.setAttribute(sc.ERROR_TYPE, typeof kind === 'string' ? kind : 'error');
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    }
    this.span.end(this.now());
  }

  private callSpan(e: CallEvent, at: number): void {
    this.calls += 1;
    const span = this.tracer.startSpan(
      `${sc.GEN_AI_OPERATIONS[e.provider]} ${e.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: Math.min(this.cursor, at),
        attributes: defined({
          [sc.GEN_AI_OPERATION_NAME]: sc.GEN_AI_OPERATIONS[e.provider],
          [sc.GEN_AI_SYSTEM]: sc.GEN_AI_PROVIDERS[e.provider],
          [sc.GEN_AI_PROVIDER_NAME]: sc.GEN_AI_PROVIDERS[e.provider],
          [sc.GEN_AI_REQUEST_MODEL]: e.model,
          [sc.GEN_AI_RESPONSE_MODEL]: e.responseModel,
          [sc.SERVER_ADDRESS]: e.serverAddress,
          [sc.SERVER_PORT]: e.serverPort,
          [sc.GEN_AI_USAGE_INPUT_TOKENS]: e.inputTokens,
          [sc.GEN_AI_USAGE_OUTPUT_TOKENS]: e.outputTokens,
          [sc.GEN_AI_RESPONSE_FINISH_REASONS]: e.finishReason === undefined ? undefined : [e.finishReason],
          [sc.TAGSPACE_ATTEMPT]: e.attempt,
          [sc.TAGSPACE_OUTCOME]: e.outcome,
          [sc.TAGSPACE_RETRY_AFTER_MS]: e.retryAfterMs,
          [sc.TAGSPACE_PAGES]: e.pages,
          [sc.TAGSPACE_COST_USD]: e.costUsd,
          [sc.TAGSPACE_PROVIDER_LATENCY_MS]: e.latencyMs,
          [sc.HTTP_RESPONSE_STATUS_CODE]: e.status,
          [sc.ERROR_TYPE]: e.outcome === 'ok' ? undefined : e.outcome,
        }),
      },
      this.parent,
    );
    if (e.outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: e.outcome });
    span.end(at);
  }
}

/** Attributes without the undefined ones (OpenTelemetry warns about and drops those). */
export function defined(attrs: Record<string, Attributes[string]>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = v;
  return out;
}
