import { writeFile } from 'node:fs/promises';
import { LOG_TAGS, logger } from '../telemetry/log.js';
import type { RouterMetrics } from '../router/router-metrics.js';
import type { RunStats } from './run-stats.js';
import { formatHitRate, type CacheStats } from './cache-stats.js';

/** The run summary: what `--summary-json` writes and what is printed at the end of a run. */
export interface Summary {
  pages: number;
  /** False when `pages` is an estimate (runs over more than 100 000 distinct pages, ±1 %). */
  pagesExact: boolean;
  events: number;
  tagged: number;
  cached: number;
  skipped: number;
  skippedBy: { stale: number; duplicate: number; coalesced: number };
  tombstones: number;
  dlq: number;
  truncated: number;
  llmCalls: number;
  batches: number;
  rateLimitErrors: number;
  fallbackSwitches: number;
  retries: number;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  editToTagMs: { p50: number; p95: number; p99: number } | undefined;
  cache: { hits: number; misses: number; hit_rate: string; size: number; max_size: number };
  /** The origin document's metrics, under its own names. */
  metrics: RouterMetrics;
}

export function buildSummary(
  stats: RunStats,
  metrics: RouterMetrics,
  cache: CacheStats,
  now = Date.now(),
): Summary {
  return {
    pages: stats.pages.size,
    pagesExact: stats.pages.exact,
    events: stats.events,
    tagged: stats.tagged,
    cached: stats.cached,
    skipped: stats.skippedTotal,
    skippedBy: { ...stats.skipped },
    tombstones: stats.tombstones,
    dlq: stats.dlq,
    truncated: stats.truncated,
    llmCalls: metrics.total_ai_calls,
    batches: stats.batches,
    rateLimitErrors: metrics.rate_limit_errors,
    fallbackSwitches: metrics.fallback_switches,
    retries: metrics.retries,
    durationMs: now - stats.startedAt,
    inputTokens: metrics.input_tokens,
    outputTokens: metrics.output_tokens,
    costUsd: metrics.cost_usd,
    editToTagMs: stats.latencyPercentiles(),
    cache: {
      hits: cache.hits,
      misses: cache.misses,
      hit_rate: formatHitRate(cache.hitRate),
      size: cache.size,
      max_size: cache.maxSize,
    },
    metrics,
  };
}

export function renderSummary(s: Summary): string {
  const rate = (n: number) => (s.llmCalls === 0 ? '0.0%' : `${((100 * n) / s.llmCalls).toFixed(1)}%`);
  const lines = [
    `[${LOG_TAGS.summary}] ${s.events} events, ${s.pagesExact ? '' : '≈'}${s.pages} pages in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  tagged ${s.tagged} · cached ${s.cached} · skipped ${s.skipped} (stale ${s.skippedBy.stale}, duplicate ${s.skippedBy.duplicate}, coalesced ${s.skippedBy.coalesced}) · removed ${s.tombstones} · dead-lettered ${s.dlq}`,
    `  llm calls ${s.llmCalls} in ${s.batches} batches · 429s ${s.rateLimitErrors} (${rate(s.rateLimitErrors)}) · fallbacks ${s.fallbackSwitches} (${rate(s.fallbackSwitches)}) · retries ${s.retries}`,
    `  tokens in ${s.inputTokens} / out ${s.outputTokens} · cost $${s.costUsd.toFixed(4)} · cache hit rate ${s.cache.hit_rate} (${s.cache.size}/${s.cache.max_size})`,
  ];
  if (s.editToTagMs !== undefined) {
    lines.push(
      `  edit-to-tag p50 ${s.editToTagMs.p50} ms · p95 ${s.editToTagMs.p95} ms · p99 ${s.editToTagMs.p99} ms`,
    );
  }
  return lines.join('\n');
}

/** Prints the summary on stdout, logs it, and writes it as JSON when asked. */
export async function reportSummary(s: Summary, summaryJson: string | undefined): Promise<void> {
  // Printed once, on stdout; the log keeps the whole record at debug (and --summary-json in a file).
  logger(LOG_TAGS.summary).debug({ ...s, metrics: undefined, origin: s.metrics }, 'run summary');
  process.stdout.write(`${renderSummary(s)}\n`);
  if (summaryJson !== undefined) await writeFile(summaryJson, `${JSON.stringify(s, null, 2)}\n`);
}
