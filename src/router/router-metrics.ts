import type { TagspaceError } from '../model/errors.js';
import type { LimitChange } from './gate-options.js';
import type { BreakerTransition } from './circuit-breaker.js';
import { costUsd, priceOf, type PriceTable } from './price-table.js';
import type { TokenUsage } from './provider.js';
import type { ProviderName } from '../model/provider-name.js';

/**
 * The router's accounting, in the origin document's vocabulary (snake_case, JSON-serialisable):
 *
 *   total_ai_calls = successful_calls + failed_calls      (one per provider call, retries included)
 *   rate_limit_errors = calls answered 429 (window or daily quota)
 *   fallback_switches = batches moved because their provider failed; spills = calls moved because
 *                       their provider would hold them (spill-over), never counted as fallbacks
 *   call_deadlines_passed = calls given up at their call deadline (call-deadline.ts) and asked
 *                       again: each is also a failed call (a timeout) and costs the provider a request
 *   cost_usd(provider, model) = Σ costUsd(prices, model, usage) over that model's answers
 */
export interface ProviderUsage {
  provider: ProviderName;
  model: string;
  /** calls = successful_calls + failed_calls, as for the whole router; rate_limit_errors ⊆ failed_calls. */
  calls: number;
  successful_calls: number;
  failed_calls: number;
  rate_limit_errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  /** False when the price table has no entry for the model (its cost reads 0). */
  priced: boolean;
}

export interface ConcurrencyAdjustment {
  time: string;
  provider: ProviderName;
  reason: string;
  old_concurrency: number;
  new_concurrency: number;
}

export interface BreakerRecord {
  time: string;
  provider: ProviderName;
  from: string;
  to: string;
  reason: string;
  /** For a change to open on failures: the last failure, in the provider's words. */
  error?: string;
}

/**
 * A provider's quota as this instance knows it: the window, requests and tokens per window and the
 * shape its pacer learnt (or adopted from an instance sharing its key), this instance's share of it
 * and how many instances share the key — each part once known.
 */
export interface QuotaReport {
  provider: ProviderName;
  window_ms?: number;
  requests?: number;
  tokens?: number;
  shape?: string;
  /** This instance's part of the key's quota, in (0, 1]; 1 alone. */
  share: number;
  /** Live instances on the key, this one included. */
  instances: number;
}

export interface RouterMetrics {
  total_ai_calls: number;
  successful_calls: number;
  failed_calls: number;
  rate_limit_errors: number;
  fallback_switches: number;
  /** Calls sent to another provider because their own would hold them (not failures). */
  spills: number;
  /** Calls given up at their call deadline, before the provider's timeout (each also a failed call). */
  call_deadlines_passed: number;
  retries: number;
  current_concurrency: number;
  concurrency_adjustments: ConcurrencyAdjustment[];
  preferred_provider: ProviderName | null;
  pages_tagged: number;
  pages_failed: number;
  batch_splits: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  providers: ProviderUsage[];
  breaker_transitions: BreakerRecord[];
  quotas: QuotaReport[];
}

export interface MetricsContext {
  currentConcurrency: number;
  quotas?: readonly {
    provider: ProviderName;
    windowMs?: number;
    requests?: number;
    tokens?: number;
    shape?: string;
    fraction: number;
    instances: number;
  }[];
  preferred: ProviderName | undefined;
  adjustments: { provider: ProviderName; changes: readonly LimitChange[] }[];
}

/** Transitions kept for the metrics document; a flapping provider must not grow it without bound. */
const MAX_BREAKER_RECORDS = 200;

export class RouterAccounting {
  private calls = { total: 0, ok: 0, failed: 0, rateLimited: 0 };
  private counters = {
    fallbacks: 0,
    spills: 0,
    deadlines: 0,
    retries: 0,
    tagged: 0,
    failedPages: 0,
    splits: 0,
  };
  private readonly usage = new Map<string, ProviderUsage>();
  private readonly transitions: BreakerRecord[] = [];

  constructor(private readonly prices: PriceTable) {}

  /** One provider call; `error` absent when it gave a usable answer. */
  recordCall(provider: ProviderName, model: string, error?: TagspaceError): void {
    const entry = this.entry(provider, model);
    const limited = error !== undefined && (error.status === 429 || error.kind === 'rate_limited');
    entry.calls += 1;
    this.calls.total += 1;
    if (error === undefined) {
      entry.successful_calls += 1;
      this.calls.ok += 1;
    } else {
      entry.failed_calls += 1;
      this.calls.failed += 1;
    }
    if (limited) {
      entry.rate_limit_errors += 1;
      this.calls.rateLimited += 1;
    }
  }

  recordUsage(provider: ProviderName, model: string, usage: TokenUsage): number {
    const entry = this.entry(provider, model);
    const cost = costUsd(this.prices, model, usage);
    entry.input_tokens += usage.inputTokens;
    entry.output_tokens += usage.outputTokens;
    entry.cost_usd += cost;
    return cost;
  }

  recordFallback(): void {
    this.counters.fallbacks += 1;
  }

  recordSpill(): void {
    this.counters.spills += 1;
  }

  recordDeadlinePassed(): void {
    this.counters.deadlines += 1;
  }

  recordRetry(): void {
    this.counters.retries += 1;
  }

  recordSplit(): void {
    this.counters.splits += 1;
  }

  recordPages(tagged: number, failed: number): void {
    this.counters.tagged += tagged;
    this.counters.failedPages += failed;
  }

  recordBreaker(provider: ProviderName, t: BreakerTransition): void {
    this.transitions.push({
      time: new Date(t.at).toISOString(),
      provider,
      from: t.from,
      to: t.to,
      reason: t.reason,
      ...(t.error !== undefined && { error: t.error }),
    });
    if (this.transitions.length > MAX_BREAKER_RECORDS) this.transitions.shift();
  }

  snapshot(ctx: MetricsContext): RouterMetrics {
    const providers = [...this.usage.values()].map((u) => ({ ...u }));
    const adjustments = ctx.adjustments
      .flatMap(({ provider, changes }) =>
        changes.map((c) => ({
          time: c.time,
          provider,
          reason: c.reason,
          old_concurrency: c.old,
          new_concurrency: c.new,
        })),
      )
      .sort((a, b) => a.time.localeCompare(b.time));
    return {
      total_ai_calls: this.calls.total,
      successful_calls: this.calls.ok,
      failed_calls: this.calls.failed,
      rate_limit_errors: this.calls.rateLimited,
      fallback_switches: this.counters.fallbacks,
      spills: this.counters.spills,
      call_deadlines_passed: this.counters.deadlines,
      retries: this.counters.retries,
      current_concurrency: ctx.currentConcurrency,
      concurrency_adjustments: adjustments,
      preferred_provider: ctx.preferred ?? null,
      pages_tagged: this.counters.tagged,
      pages_failed: this.counters.failedPages,
      batch_splits: this.counters.splits,
      input_tokens: sum(providers, (p) => p.input_tokens),
      output_tokens: sum(providers, (p) => p.output_tokens),
      cost_usd: sum(providers, (p) => p.cost_usd),
      providers,
      breaker_transitions: [...this.transitions],
      quotas: (ctx.quotas ?? []).map(quotaReport),
    };
  }

  private entry(provider: ProviderName, model: string): ProviderUsage {
    const key = `${provider}\u0000${model}`;
    let entry = this.usage.get(key);
    if (entry === undefined) {
      const priced = priceOf(this.prices, model) !== undefined;
      entry = {
        provider,
        model,
        calls: 0,
        successful_calls: 0,
        failed_calls: 0,
        rate_limit_errors: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
        priced,
      };
      this.usage.set(key, entry);
    }
    return entry;
  }
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

function quotaReport(q: NonNullable<MetricsContext['quotas']>[number]): QuotaReport {
  return {
    provider: q.provider,
    ...(q.windowMs !== undefined && { window_ms: Math.round(q.windowMs) }),
    ...(q.requests !== undefined && { requests: q.requests }),
    ...(q.tokens !== undefined && { tokens: q.tokens }),
    ...(q.shape !== undefined && { shape: q.shape }),
    share: Math.round(q.fraction * 1000) / 1000,
    instances: q.instances,
  };
}
