import type { ErrorKind, RateLimitQuota } from './errors.js';
import type { ProviderName } from './provider-name.js';

/** A provider's circuit breaker: closed (calls go), open (calls held), half_open (one probe goes). */
export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * What happened while tagging one batch, in order, for tracing (each becomes a span event or
 * attribute) and tests. `attempt` counts the calls made for the pages of this batch, from 1.
 */
export type RouterEvent =
  | {
      type: 'call';
      provider: ProviderName;
      model: string;
      attempt: number;
      pages: number;
      /** 'ok' when the answer parsed; otherwise the error kind. */
      outcome: 'ok' | ErrorKind;
      status?: number;
      retryAfterMs?: number;
      /** From the call's start to its answer or failure, on the client's clock. */
      durationMs?: number;
      /** Provider-measured latency of an answered call. */
      /** For a 429: the quota that refused, when the provider named it. */
      quota?: RateLimitQuota;
      /** For a call given up at its call deadline (a `timeout`): that deadline, in ms. */
      deadlineMs?: number;
      latencyMs?: number;
      /** The model that answered, as the provider named it. */
      responseModel?: string;
      /** Host and port the call went to. */
      serverAddress?: string;
      serverPort?: number;
      finishReason?: string;
      inputTokens?: number;
      outputTokens?: number;
      costUsd?: number;
    }
  | {
      type: 'retry';
      attempt: number;
      delayMs: number;
      kind: ErrorKind;
      provider?: ProviderName;
      retryAfterMs?: number;
    }
  | { type: 'fallback'; from: ProviderName; to: ProviderName; reason: string; pages: number }
  /** A call sent to another provider because its own would hold it (spill-over), not a failure. */
  | { type: 'spill'; from: ProviderName; to: ProviderName; reason: string; pages: number }
  | {
      type: 'breaker';
      provider: ProviderName;
      from: BreakerState;
      to: BreakerState;
      reason: string;
      /** For a change to open on failures: the last one, in the provider's words. */
      error?: string;
    }
  | { type: 'provider_unusable'; provider: ProviderName; kind: ErrorKind; setting?: string }
  | { type: 'hold'; waitMs?: number; reason: string; pages: number }
  | {
      type: 'attribution';
      pages: number;
      unanswered: string[];
      invented: number;
      duplicated: string[];
      suspect: string[];
    }
  /**
   * Pages an answer may have swapped labels between (an attribution's `suspect`), settled by
   * asking again: `refuted` when the first page, asked alone, showed there was no swap.
   */
  | { type: 'doubt'; pages: number; suspect: string[]; refuted: boolean }
  | { type: 'split'; pages: number; into: number[]; reason: ErrorKind }
  | { type: 'page_failed'; pageId: string; kind: ErrorKind; attempts: number };

export type CallEvent = Extract<RouterEvent, { type: 'call' }>;
