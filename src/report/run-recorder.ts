import type { Observable, Subscription } from 'rxjs';
import type { RouterEvent } from '../model/router-event.js';
import type { Summary } from '../run/summary.js';
import type { BatchObserver, TaggingObserver } from '../telemetry/tagging-observer.js';
import type { Outcome, PageWork } from '../model/work.js';
import { LatencyPercentiles } from '../run/latency-percentiles.js';
import type { Mark, ProviderReport, RunReportData, SeriesPoint } from './report-data.js';

/** Bounds what one run keeps in memory, however long it is. */
const MAX_POINTS = 20_000;
const MAX_MARKS = 5_000;
/** Outcomes are counted per 100 ms (up to an hour), and re-binned for the chart at the end. */
const TICK_MS = 100;
const MAX_TICKS = 36_000;
const MAX_BARS = 60;

/**
 * Collects a run's time series while it runs, for the HTML report: the concurrency limit (from
 * limit$), batches in flight, 429s, retries, fallbacks and breaker changes (router events), batch
 * sizes, events written per second, and each provider's answer latencies. The counts, per provider
 * too, come from the run's Summary at the end: they are counted once, by the router's accounting.
 */
export class RunRecorder implements TaggingObserver {
  readonly startedAt: number;
  private readonly limit: SeriesPoint[] = [];
  private readonly inFlight: SeriesPoint[] = [];
  private readonly marks: Mark[] = [];
  private readonly ticks: number[] = [];
  private readonly batchSizes = new Map<number, number>();
  /** Answer latencies per provider and model (key: provider NUL model). */
  private readonly latencies = new Map<string, LatencyPercentiles>();
  private batchesInFlight = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
    this.inFlight.push({ t: 0, v: 0 });
  }

  /** Records every value of the pipeline's concurrency limit until the subscription ends. */
  watchLimit(limit$: Observable<number>): Subscription {
    return limit$.subscribe((v) => push(this.limit, { t: this.elapsed(), v }));
  }

  batch(pages: readonly PageWork[]): BatchObserver {
    this.batchSizes.set(pages.length, (this.batchSizes.get(pages.length) ?? 0) + 1);
    this.batchesInFlight += 1;
    push(this.inFlight, { t: this.elapsed(), v: this.batchesInFlight });
    return {
      event: (e) => this.event(e),
      end: () => {
        this.batchesInFlight -= 1;
        push(this.inFlight, { t: this.elapsed(), v: this.batchesInFlight });
      },
    };
  }

  written(_outcome: Outcome): void {
    const now = this.now();
    const tick = Math.floor(Math.max(0, now - this.startedAt) / TICK_MS);
    if (tick >= MAX_TICKS) return;
    while (this.ticks.length <= tick) this.ticks.push(0);
    this.ticks[tick] = (this.ticks[tick] ?? 0) + 1;
  }

  /** The report of the run that `summary` sums up. */
  report(summary: Summary, meta: { command: string; title?: string }): RunReportData {
    const m = summary.metrics;
    const providers: ProviderReport[] = m.providers.map((u) => ({
      provider: u.provider,
      model: u.model,
      calls: u.calls,
      ok: u.successful_calls,
      rateLimited: u.rate_limit_errors,
      otherErrors: u.failed_calls - u.rate_limit_errors,
      inputTokens: u.input_tokens,
      outputTokens: u.output_tokens,
      costUsd: u.cost_usd,
      latencyMs: this.latencies.get(`${u.provider}\u0000${u.model}`)?.summary(),
    }));
    const startedAt = this.startedAt;
    return {
      title: meta.title ?? `tagspace ${meta.command}`,
      command: meta.command,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: this.elapsed(),
      totals: {
        events: summary.events,
        pages: summary.pages,
        pagesExact: summary.pagesExact,
        tagged: summary.tagged,
        cached: summary.cached,
        skipped: summary.skipped,
        tombstones: summary.tombstones,
        dlq: summary.dlq,
        llmCalls: summary.llmCalls,
        batches: summary.batches,
        rateLimitErrors: summary.rateLimitErrors,
        fallbackSwitches: summary.fallbackSwitches,
        spills: summary.spills,
        retries: summary.retries,
        inputTokens: summary.inputTokens,
        outputTokens: summary.outputTokens,
        costUsd: summary.costUsd,
      },
      cache: {
        hits: summary.cache.hits,
        misses: summary.cache.misses,
        hitRate:
          summary.cache.hits + summary.cache.misses === 0
            ? 0
            : summary.cache.hits / (summary.cache.hits + summary.cache.misses),
        size: summary.cache.size,
        maxSize: summary.cache.max_size,
      },
      limit: [...this.limit],
      inFlight: [...this.inFlight],
      throughput: rebin(this.ticks, TICK_MS, MAX_BARS),
      marks: [...this.marks],
      providers,
      quotas: m.quotas.map((q) => ({ ...q })),
      batchSizes: [...this.batchSizes]
        .map(([size, count]) => ({ size, count }))
        .sort((a, b) => a.size - b.size),
      editToTagMs: summary.editToTagMs,
      topLabels: summary.topLabels,
      samplePages: summary.samplePages,
      adjustments: m.concurrency_adjustments.map((a) => ({
        t: Date.parse(a.time) - startedAt,
        provider: a.provider,
        reason: a.reason,
        old: a.old_concurrency,
        new: a.new_concurrency,
      })),
    };
  }

  private event(e: RouterEvent): void {
    const t = this.elapsed();
    switch (e.type) {
      case 'call': {
        if (e.latencyMs !== undefined) this.latencyOf(e.provider, e.model).add(e.latencyMs);
        if (e.outcome === 'rate_limited' || e.status === 429) {
          const hint = e.retryAfterMs === undefined ? '' : `, retry after ${e.retryAfterMs} ms`;
          this.mark({ t, kind: 'rate_limit', label: `429 from ${e.provider} (attempt ${e.attempt}${hint})` });
        }
        return;
      }
      case 'retry':
        this.mark({ t, kind: 'retry', label: `retry ${e.attempt} after ${e.kind}, waiting ${e.delayMs} ms` });
        return;
      case 'fallback':
        this.mark({ t, kind: 'fallback', label: `fallback ${e.from} → ${e.to}: ${e.reason}` });
        return;
      case 'spill':
        this.mark({ t, kind: 'spill', label: `spill ${e.from} → ${e.to}: ${e.reason}` });
        return;
      case 'breaker':
        this.mark({
          t,
          kind: 'breaker',
          label: `${e.provider} breaker ${e.from} → ${e.to}: ${e.reason}${e.error === undefined ? '' : ` (${e.error})`}`,
        });
        return;
      default:
        return;
    }
  }

  private latencyOf(provider: string, model: string): LatencyPercentiles {
    const key = `${provider}\u0000${model}`;
    let l = this.latencies.get(key);
    if (l === undefined) {
      l = new LatencyPercentiles();
      this.latencies.set(key, l);
    }
    return l;
  }

  private mark(m: Mark): void {
    if (this.marks.length < MAX_MARKS) this.marks.push(m);
  }

  private elapsed(): number {
    return Math.max(0, this.now() - this.startedAt);
  }
}

function push(series: SeriesPoint[], p: SeriesPoint): void {
  if (series.length < MAX_POINTS) series.push(p);
}

/**
 * Counts per `tickMs` summed into at most `maxBars` buckets of a round width:
 *
 *   bucketMs = the smallest of {1, 2, 5}·10^k · tickMs with ⌈n / (bucketMs / tickMs)⌉ ≤ maxBars
 */
export function rebin(
  ticks: readonly number[],
  tickMs: number,
  maxBars: number,
): { bucketMs: number; counts: number[] } {
  let per = 1;
  for (let scale = 1; Math.ceil(ticks.length / per) > maxBars; scale *= 10) {
    per =
      [1, 2, 5, 10].map((m) => m * scale).find((p) => Math.ceil(ticks.length / p) <= maxBars) ?? 10 * scale;
  }
  const counts = Array.from({ length: Math.ceil(ticks.length / per) }, () => 0);
  ticks.forEach((n, i) => {
    counts[Math.floor(i / per)] = (counts[Math.floor(i / per)] ?? 0) + n;
  });
  return { bucketMs: per * tickMs, counts };
}
