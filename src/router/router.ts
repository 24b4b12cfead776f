import { asyncScheduler, type Observable } from 'rxjs';
import { abortedError, asTagspaceError, TagspaceError } from '../model/errors.js';
import { LOG_TAGS, logger, type Logger } from '../telemetry/log.js';
import { ORIGIN_BACKOFF } from '../operators/backoff.js';
import { DEFAULT_BREAKER, type BreakerTransition } from './circuit-breaker.js';
import { DEFAULT_CONCURRENCY } from './concurrency-policies.js';
import type { Accepted, BatchContext, PageTagResult, RouterPage } from './group-state.js';
import { settleDoubts } from './settle-doubts.js';
import { checkProviders } from './check-providers.js';
import { GroupTagger } from './group-tagger.js';
import {
  DEFAULT_MAX_LABEL_LENGTH,
  DEFAULT_MAX_TAGS_PER_PAGE,
  normaliseTaxonomy,
} from './normalise-labels.js';
import { DEFAULT_PRICES } from './price-table.js';
import type { Provider } from './provider.js';
import { ProviderPool } from './provider-pool.js';
import type { BreakerState } from '../model/router-event.js';
import { ChangeLog } from '../telemetry/change-log.js';
import { RouterAccounting, type RouterMetrics } from './router-metrics.js';
import type { ProviderName } from '../model/provider-name.js';
import type { LearntQuota } from './pacing/pacer.js';
import {
  DEFAULT_HOLD_MAX_DELAY_MS,
  DEFAULT_QUOTA_COOLDOWN_MS,
  type ProviderQuota,
  type RouterOptions,
  type TagBatchOptions,
} from './router-options.js';

export type { PageTagResult, RouterPage } from './group-state.js';

/**
 * Tags batches of pages with the first provider that can serve — Gemini, then OpenAI — and gives
 * every page exactly one result:
 *
 *   ok      the tags the provider gave for this page (attributed, normalised)
 *   failed  the page's own fault: rejected (bad_request), blocked (safety_blocked), or answered
 *           unusably on every attempt while alone — the pipeline dead-letters it
 *
 *   dropped the caller stopped wanting it (`wanted`: its partition went to another consumer) before
 *           a call carried it: it was never sent, and the caller writes nothing for it
 *
 * A group of pages that cannot be answered whole is split in halves until the page at fault stands
 * alone (group-tagger.ts decides retries, fallback and spill-over: `spilled` marks the pages a
 * call answered after it left a provider that would have held it). Faults of a provider never fail a page:
 * while no provider can serve, tagBatch holds; when no provider can ever serve (every key
 * rejected), it rejects with `auth` (or `config`) naming the settings.
 */
export class Router {
  /** The concurrency limit of the provider batches go to first (Gemini's while its breaker is closed). */
  readonly limit$: Observable<number>;
  private readonly pool: ProviderPool;
  private readonly tagger: GroupTagger;
  private readonly accounting: RouterAccounting;
  private readonly fallbackLog: Logger;
  private readonly fallbacks: ChangeLog;
  private readonly now: () => number;
  private closed = false;

  constructor(opts: RouterOptions) {
    const scheduler = opts.scheduler ?? asyncScheduler;
    const now = opts.now ?? (() => scheduler.now());
    this.now = now;
    this.accounting = new RouterAccounting(opts.prices ?? DEFAULT_PRICES);
    // Created here, not at import, so the logger set by the CLI (or a test) is the one used.
    this.fallbackLog = logger(LOG_TAGS.fallback);
    this.fallbacks = new ChangeLog(this.fallbackLog, {
      first: 'batch switched provider',
      repeated: 'batches switched provider',
    });
    const providers = [opts.providers.gemini, opts.providers.openai].filter(
      (p): p is Provider => p !== undefined,
    );
    this.pool = new ProviderPool(
      providers,
      {
        breaker: { ...DEFAULT_BREAKER, ...opts.breaker },
        concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
        quotaCooldownMs: opts.quotaCooldownMs ?? DEFAULT_QUOTA_COOLDOWN_MS,
        now,
        scheduler,
        log: this.fallbackLog,
        ...(opts.shares !== undefined && { shares: opts.shares }),
        spill: opts.spill !== undefined,
        ...(opts.callDeadline !== undefined && { deadline: opts.callDeadline }),
      },
      (provider, t) => this.onTransition(provider, t),
    );
    this.limit$ = this.pool.limit$;
    const maxLength = opts.maxLabelLength ?? DEFAULT_MAX_LABEL_LENGTH;
    this.tagger = new GroupTagger({
      pool: this.pool,
      accounting: this.accounting,
      backoff: opts.backoff ?? ORIGIN_BACKOFF,
      holdMaxDelayMs: opts.holdMaxDelayMs ?? DEFAULT_HOLD_MAX_DELAY_MS,
      labels: {
        maxTagsPerPage: opts.maxTagsPerPage ?? DEFAULT_MAX_TAGS_PER_PAGE,
        maxLength,
        taxonomy: opts.taxonomy === undefined ? undefined : normaliseTaxonomy(opts.taxonomy, maxLength),
      },
      now,
      random: opts.random ?? Math.random,
      scheduler,
      fallbackLog: this.fallbackLog,
      fallbacks: this.fallbacks,
      throttleLog: logger(LOG_TAGS.throttle),
      ...(opts.spill !== undefined && { spill: opts.spill }),
    });
  }

  /** Start-up's proof of every provider's key and model; the error when none is usable (check-providers.ts). */
  checkProviders(opts: { timeoutMs: number; signal?: AbortSignal }): Promise<TagspaceError | undefined> {
    return checkProviders(this.pool, { ...opts, log: this.fallbackLog });
  }

  /**
   * The providers that could start a call of these pages now: usable, their breaker letting calls
   * through, and nothing (a pause, the pacing) holding it at their gate.
   */
  servableNow(pages: readonly RouterPage[] = []): ProviderName[] {
    return this.pool.slots
      .filter((s) => s.breaker.available && s.startsAt(pages) <= this.now())
      .map((s) => s.name);
  }

  /**
   * What the pacing of the provider batches go to first has learnt of its quotas (batch-size rule):
   * what 429s taught. The limits a provider reports (`reported`) are not its to read: OpenAI's
   * show tokens binding from its first answer, and the rule, reading the quota of whichever
   * provider is preferred at the moment, cut the batches to their start while Gemini's breaker
   * was open (both providers, 5,000 pages: 298-313 calls instead of 158-160).
   */
  get learntQuota(): LearntQuota | undefined {
    return this.pool.preferred.gate.learnt;
  }

  /** The provider new batches go to first: the first usable one whose breaker is closed. */
  get preferred(): ProviderName {
    return this.pool.preferred.name;
  }

  /** One result per page, in the batch's order. Rejects only for faults of the set-up or an abort. */
  async tagBatch(pages: readonly RouterPage[], opts: TagBatchOptions = {}): Promise<PageTagResult[]> {
    if (this.closed) throw new TagspaceError('unavailable', 'the router is closed');
    if (pages.length === 0) return [];
    if (new Set(pages.map((p) => p.pageId)).size !== pages.length) {
      throw new TagspaceError('internal', 'a batch holds the same pageId twice');
    }
    const wanted = opts.wanted ?? (() => true);
    const ctx: BatchContext = {
      signal: opts.signal,
      emit: opts.onEvent ?? (() => {}),
      lastProvider: this.pool.primary.name,
      wanted,
    };
    const results = new Map((await this.solve(pages, 0, ctx)).map((r) => [r.pageId, r]));
    // A page left out of a call because it was no longer wanted has no result of its own.
    const ordered = pages.map(
      (p): PageTagResult =>
        results.get(p.pageId) ??
        (wanted(p.pageId) ? missing(p.pageId) : { pageId: p.pageId, ok: false, dropped: true }),
    );
    const failed = ordered.filter((r) => !r.ok && !('dropped' in r)).length;
    const dropped = ordered.filter((r) => 'dropped' in r).length;
    this.accounting.recordPages(ordered.length - failed - dropped, failed);
    return ordered;
  }

  /**
   * Each usable provider's quota as far as it is known — what the provider reports of it (OpenAI's
   * x-ratelimit-* headers), else what its pacing learnt, else the newest estimate an instance
   * sharing its key published — and this instance's part of it now.
   */
  quotas(): ProviderQuota[] {
    const now = this.now();
    return this.pool.slots
      .filter((s) => s.unusable === undefined)
      .map((s) => {
        const learnt = s.gate.learnt;
        const shared = s.share.newestEstimate();
        const counted = learnt?.requests !== undefined || learnt?.tokens !== undefined;
        // A window known before its count (a sliding window's is read once the pause is over) is
        // shown as soon as it is: the operator sees a 429 was understood.
        const known =
          learnt?.reported ??
          (counted ? learnt : (shared ?? (learnt?.windowMs !== undefined ? learnt : undefined)));
        return {
          provider: s.name,
          ...(known?.windowMs !== undefined && { windowMs: known.windowMs }),
          ...(known?.requests !== undefined && { requests: known.requests }),
          ...(known?.tokens !== undefined && { tokens: known.tokens }),
          ...(known?.shape !== undefined && { shape: known.shape }),
          fraction: s.share.fraction(now),
          instances: s.share.instances(now),
        };
      });
  }

  /** The origin document's metrics plus tokens and cost per provider and model; JSON-serialisable. */
  metrics(): RouterMetrics {
    const preferred = this.pool.preferred;
    return this.accounting.snapshot({
      currentConcurrency: preferred.gate.limit,
      preferred: preferred.name,
      adjustments: this.pool.slots.map((s) => ({ provider: s.name, changes: s.gate.changes })),
      quotas: this.quotas(),
    });
  }

  /** Calls at the providers now, and calls waiting at a provider's gate (pacing) for their turn. */
  calls(): { inFlight: number; waiting: number } {
    let inFlight = 0;
    let waiting = 0;
    for (const s of this.pool.slots) {
      inFlight += s.active;
      waiting += s.gate.waiting;
    }
    return { inFlight, waiting };
  }

  /**
   * Each provider's state now: its breaker's (closed: calls go; half_open: one probe goes; open:
   * calls wait), or `unusable` once the provider refused a setting of it (a key, a model).
   */
  providerStates(): { provider: ProviderName; state: BreakerState | 'unusable' }[] {
    return this.pool.slots.map((s) => ({
      provider: s.name,
      state: s.unusable === undefined ? s.breaker.state : 'unusable',
    }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fallbacks.flush();
    this.pool.close();
  }

  /** Tags a group; asks again for what the answer left out, or splits the group on a failure. */
  private async solve(
    pages: readonly RouterPage[],
    priorAttempts: number,
    ctx: BatchContext,
  ): Promise<PageTagResult[]> {
    if (!pages.some((p) => ctx.wanted(p.pageId))) return [];
    const group = {
      pages,
      priorAttempts,
      calls: 0,
      quality: 0,
      failures: new Map<ProviderName, number>(),
      holding: false,
    };
    let accepted: Accepted;
    try {
      accepted = await this.tagger.tag(group, ctx);
    } catch (err) {
      if (ctx.signal?.aborted === true) throw abortedError(ctx.signal);
      if (!group.pages.some((p) => ctx.wanted(p.pageId))) return [];
      const error = asTagspaceError(err);
      if (error.kind === 'auth' || error.kind === 'config' || error.kind === 'internal') throw error;
      return this.splitOrFail(pages, priorAttempts + group.calls, error, ctx);
    }
    const attempts = priorAttempts + group.calls;
    const { slot } = accepted;
    // The call carried only the pages still wanted when it left (group.pages).
    const spilled = accepted.spilled === true ? { spilled: true as const } : {};
    const results: PageTagResult[] = [...accepted.tags].map(([pageId, tags]) => {
      return { pageId, ok: true, tags, provider: slot.name, model: slot.provider.model, ...spilled };
    });
    if (accepted.unanswered.length > 0)
      results.push(...(await this.solve(accepted.unanswered, attempts, ctx)));
    const again = (part: RouterPage[]): Promise<PageTagResult[]> => this.solve(part, attempts, ctx);
    results.push(...(await settleDoubts(accepted, again, ctx, group.pages.length)));
    return results;
  }

  private async splitOrFail(
    all: readonly RouterPage[],
    attempts: number,
    error: TagspaceError,
    ctx: BatchContext,
  ): Promise<PageTagResult[]> {
    const pages = all.filter((p) => ctx.wanted(p.pageId));
    if (pages.length === 0) return [];
    const [first] = pages;
    if (pages.length === 1 && first !== undefined) {
      ctx.emit({ type: 'page_failed', pageId: first.pageId, kind: error.kind, attempts });
      return [{ pageId: first.pageId, ok: false, error, attempts }];
    }
    const half = Math.ceil(pages.length / 2);
    const parts = [pages.slice(0, half), pages.slice(half)];
    this.accounting.recordSplit();
    ctx.emit({ type: 'split', pages: pages.length, into: parts.map((p) => p.length), reason: error.kind });
    // One part after the other: the batch holds one slot of the pipeline's concurrency, not two.
    const results: PageTagResult[] = [];
    for (const part of parts) results.push(...(await this.solve(part, attempts, ctx)));
    return results;
  }

  private onTransition(provider: ProviderName, t: BreakerTransition): void {
    this.accounting.recordBreaker(provider, t);
    const until = t.openUntil === undefined ? undefined : new Date(t.openUntil).toISOString();
    this.fallbackLog.warn(
      { provider, from: t.from, to: t.to, reason: t.reason, until, error: t.error },
      'circuit breaker changed',
    );
  }
}

/** A page the router forgot: the pipeline stops on it as the bug it is. */
function missing(pageId: string): PageTagResult {
  return {
    pageId,
    ok: false,
    error: new TagspaceError('internal', `no result for page ${pageId}`),
    attempts: 0,
  };
}
