import { LOG_TAGS, logger } from '../telemetry/log.js';
import type { QuotaReport, RouterMetrics } from '../router/router-metrics.js';
import type { Percentiles } from './latency-percentiles.js';
import type { RunStats, SamplePage } from './run-stats.js';
import { formatHitRate, type CacheStats } from './cache-stats.js';
import { providersNotServing } from './providers-not-serving.js';
import { writeOutput } from './write-output.js';

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
  /** Calls moved to the other provider because theirs would hold them (not failures). */
  spills: number;
  /** Calls given up at their call deadline and asked again (each also one of llmCalls). */
  callDeadlinesPassed: number;
  retries: number;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** DDSketch percentiles (±1 %), the one definition the report uses too: latency-percentiles.ts. */
  editToTagMs: Percentiles | undefined;
  /** hits / lookups as the origin prints it; size / max_size is how full the LRU is. */
  cache: { hits: number; misses: number; lookups: number; hit_rate: string; size: number; max_size: number };
  /** The labels this run wrote most, most used first. */
  topLabels: { label: string; count: number }[];
  /** The first pages this run tagged, with their tags. */
  samplePages: SamplePage[];
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
    spills: metrics.spills,
    callDeadlinesPassed: metrics.call_deadlines_passed,
    retries: metrics.retries,
    durationMs: now - stats.startedAt,
    inputTokens: metrics.input_tokens,
    outputTokens: metrics.output_tokens,
    costUsd: metrics.cost_usd,
    editToTagMs: stats.latencyPercentiles(),
    cache: {
      hits: cache.hits,
      misses: cache.misses,
      lookups: cache.hits + cache.misses,
      hit_rate: formatHitRate(cache.hitRate),
      size: cache.size,
      max_size: cache.maxSize,
    },
    topLabels: stats.labels.top(TOP_LABELS),
    samplePages: [...stats.samples],
    metrics,
  };
}

/** Labels shown in the summary and the report. */
const TOP_LABELS = 10;

export function renderSummary(s: Summary): string {
  const rate = (n: number) => (s.llmCalls === 0 ? '0.0%' : `${((100 * n) / s.llmCalls).toFixed(1)}%`);
  const c = s.cache;
  const lines = [
    `[${LOG_TAGS.summary}] ${s.events} events, ${s.pagesExact ? '' : '≈'}${s.pages} pages in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  tagged by the LLM ${s.tagged} · from the cache ${s.cached} · skipped ${s.skipped} (stale ${s.skippedBy.stale}, duplicate ${s.skippedBy.duplicate}, coalesced ${s.skippedBy.coalesced}) · removed ${s.tombstones} · dead-lettered ${s.dlq}`,
    `  llm calls ${s.llmCalls} in ${s.batches} ${s.batches === 1 ? 'batch' : 'batches'} · 429s ${s.rateLimitErrors} (${rate(s.rateLimitErrors)}) · fallbacks ${s.fallbackSwitches} (${rate(s.fallbackSwitches)}) · spills ${s.spills} (${rate(s.spills)}) · deadlines passed ${s.callDeadlinesPassed} · retries ${s.retries}`,
    `  tokens in ${s.inputTokens} / out ${s.outputTokens} · cost $${s.costUsd.toFixed(4)} · cache hits ${c.hits} of ${c.lookups} lookups (${c.hit_rate}) · ${c.size} of ${c.max_size} entries used`,
  ];
  if (s.editToTagMs !== undefined) {
    const e = s.editToTagMs;
    lines.push(`  edit-to-tag p50 ${e.p50} ms · p95 ${e.p95} ms · p99 ${e.p99} ms · max ${e.max} ms`);
  }
  for (const q of s.metrics.quotas) lines.push(`  quota ${describeQuota(q)}`);
  for (const line of providersNotServing(s.metrics.breaker_transitions)) lines.push(`  ${line}`);
  if (s.topLabels.length > 0) {
    lines.push(`  top labels: ${s.topLabels.map((l) => `${l.label} (${l.count})`).join(', ')}`);
  }
  if (s.samplePages.length > 0) {
    lines.push('  pages:');
    const width = Math.max(...s.samplePages.map((p) => `${p.pageId} v${p.version}`.length));
    for (const p of s.samplePages) {
      lines.push(`    ${`${p.pageId} v${p.version}`.padEnd(width)}  ${p.tags.join(', ')}  (${p.by})`);
    }
  }
  return lines.join('\n');
}

/**
 * One provider's quota in words: "openai 30 requests / 5 s (sliding) · this instance 0.33 of 3
 * sharing the key", "window 60 s, not counted yet" between a 429 and its count, or "not learnt"
 * before a 429 said where it is.
 */
export function describeQuota(q: QuotaReport): string {
  const amounts = [
    ...(q.requests !== undefined ? [`${q.requests} requests`] : []),
    ...(q.tokens !== undefined ? [`${q.tokens} tokens`] : []),
  ];
  const window = q.window_ms === undefined ? '' : ` / ${q.window_ms / 1000} s`;
  const pending =
    q.window_ms === undefined ? 'not learnt' : `window ${q.window_ms / 1000} s, not counted yet`;
  const learnt =
    amounts.length === 0
      ? pending
      : `${amounts.join(' + ')}${window}${q.shape === undefined ? '' : ` (${q.shape})`}`;
  const share =
    q.instances <= 1 ? 'this instance alone' : `this instance ${q.share} of ${q.instances} sharing the key`;
  return `${q.provider} ${learnt} · ${share}`;
}

/** Prints the summary on stdout, logs it, and writes it as JSON when asked. */
export async function reportSummary(s: Summary, summaryJson: string | undefined): Promise<void> {
  // Printed once, on stdout; the log keeps the whole record at debug (and --summary-json in a file).
  logger(LOG_TAGS.summary).debug({ ...s, metrics: undefined, origin: s.metrics }, 'run summary');
  process.stdout.write(`${renderSummary(s)}\n`);
  if (summaryJson !== undefined)
    await writeOutput('--summary-json', summaryJson, `${JSON.stringify(s, null, 2)}\n`);
}
