import type { Percentiles } from '../run/latency-percentiles.js';
import type { SamplePage } from '../run/run-stats.js';
import type { QuotaReport } from '../router/router-metrics.js';

/**
 * Everything the HTML run report shows, JSON-serialisable. Times are milliseconds since the run
 * started (`startedAt`), so a chart's x axis needs no clock.
 */
export interface RunReportData {
  title: string;
  command: string;
  /** ISO time the run started. */
  startedAt: string;
  durationMs: number;
  totals: {
    events: number;
    pages: number;
    /** False when `pages` is an estimate (over 100 000 distinct pages). */
    pagesExact: boolean;
    tagged: number;
    cached: number;
    skipped: number;
    tombstones: number;
    dlq: number;
    llmCalls: number;
    batches: number;
    rateLimitErrors: number;
    fallbackSwitches: number;
    spills: number;
    retries: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
  };
  cache: { hits: number; misses: number; hitRate: number; size: number; maxSize: number };
  /** The limit the LLM stage dispatched at, as a step series; 0 = paused for a retry hint. */
  limit: SeriesPoint[];
  /** Batches at the providers, as a step series. */
  inFlight: SeriesPoint[];
  /** Events written per bucket of the run: counts[i] covers [i·bucketMs, (i+1)·bucketMs). */
  throughput: { bucketMs: number; counts: number[] };
  marks: Mark[];
  providers: ProviderReport[];
  /** Pages per batch → how many batches had that many. */
  batchSizes: { size: number; count: number }[];
  /** The run summary's edit-to-tag percentiles (one definition: run/latency-percentiles.ts). */
  editToTagMs: Percentiles | undefined;
  topLabels: { label: string; count: number }[];
  samplePages: SamplePage[];
  adjustments: { t: number; provider: string; reason: string; old: number; new: number }[];
  /** Each provider's quota as learnt at the end, this instance's share and the instances on the key. */
  quotas: QuotaReport[];
}

export interface SeriesPoint {
  t: number;
  v: number;
}

export type MarkKind = 'rate_limit' | 'retry' | 'fallback' | 'spill' | 'breaker';

export interface Mark {
  t: number;
  kind: MarkKind;
  /** One line for the tooltip. */
  label: string;
}

export type { Percentiles };

export interface ProviderReport {
  provider: string;
  model: string;
  calls: number;
  ok: number;
  rateLimited: number;
  /** Failed for other reasons (timeouts, 5xx, malformed answers…). */
  otherErrors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Provider-reported latency of answered calls, ms. */
  latencyMs: Percentiles | undefined;
}
