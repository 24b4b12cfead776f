import type { ProviderName } from '../model/provider-name.js';

/**
 * The simulator's own counts — the referee for benchmarks, independent of the pipeline's metrics.
 * Every request lands in exactly one outcome:
 *
 *   requests = ok + malformed + truncated + safetyBlocked + rateLimited + dailyQuota + serverErrors
 *            + timeouts + rejected + authFailures + notFound
 *
 * `misattributed` is the part of `ok` whose answer names the wrong pages; `concurrencyLimited` the part
 * of `rateLimited` refused by the concurrency cap; `outageErrors` the part of `serverErrors` from outages.
 * Outcomes are counted when decided, so a response the client stopped waiting for still counts
 * (and also as `clientClosed`). The same counts are kept per client (caller.ts: a hash of the key and
 * the instance header), so the totals are the sum over clients.
 */
export interface ProviderStats {
  requests: number;
  ok: number;
  rateLimited: number;
  concurrencyLimited: number;
  dailyQuota: number;
  serverErrors: number;
  outageErrors: number;
  timeouts: number;
  malformed: number;
  truncated: number;
  safetyBlocked: number;
  rejected: number;
  misattributed: number;
  authFailures: number;
  notFound: number;
  clientClosed: number;
  inputTokens: number;
  outputTokens: number;
  pagesAnswered: number;
  inFlight: number;
  maxConcurrentSeen: number;
}

export interface ClientStats {
  gemini: ProviderStats;
  openai: ProviderStats;
}

export interface SimStatsSnapshot {
  uptimeMs: number;
  gemini: ProviderStats;
  openai: ProviderStats;
  /** Per client id (`key-1a2b3c4d/instance`), both providers; only clients that sent a request. */
  clients: Record<string, ClientStats>;
  /** Answers per page id across both providers; present when asked for and tracked. */
  pages?: Record<string, number>;
  /**
   * The longest time between two consecutive requests (to either provider), and when the first and
   * last came (ms since start); absent before the first request. A client that stalls shows here.
   */
  requestGap?: { longestMs: number; firstAtMs: number; lastAtMs: number };
}

export type CountedOutcome = Exclude<
  keyof ProviderStats,
  'requests' | 'inputTokens' | 'outputTokens' | 'pagesAnswered' | 'inFlight' | 'maxConcurrentSeen'
>;

function emptyStats(): ProviderStats {
  return {
    requests: 0,
    ok: 0,
    rateLimited: 0,
    concurrencyLimited: 0,
    dailyQuota: 0,
    serverErrors: 0,
    outageErrors: 0,
    timeouts: 0,
    malformed: 0,
    truncated: 0,
    safetyBlocked: 0,
    rejected: 0,
    misattributed: 0,
    authFailures: 0,
    notFound: 0,
    clientClosed: 0,
    inputTokens: 0,
    outputTokens: 0,
    pagesAnswered: 0,
    inFlight: 0,
    maxConcurrentSeen: 0,
  };
}

export class SimStats {
  readonly gemini = emptyStats();
  readonly openai = emptyStats();
  private readonly clients = new Map<string, ClientStats>();
  private pages = new Map<string, number>();
  private gap: { longestMs: number; firstAt: number; lastAt: number } | undefined;

  constructor(
    private readonly startedAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  of(provider: ProviderName): ProviderStats {
    return provider === 'gemini' ? this.gemini : this.openai;
  }

  /** The counts of one client for one provider, created at its first request. */
  ofClient(clientId: string, provider: ProviderName): ProviderStats {
    let client = this.clients.get(clientId);
    if (client === undefined) {
      client = { gemini: emptyStats(), openai: emptyStats() };
      this.clients.set(clientId, client);
    }
    return client[provider];
  }

  /** A request came in (any provider, any outcome). */
  noteRequest(): void {
    const t = this.now();
    if (this.gap === undefined) this.gap = { longestMs: 0, firstAt: t, lastAt: t };
    this.gap.longestMs = Math.max(this.gap.longestMs, t - this.gap.lastAt);
    this.gap.lastAt = t;
  }

  countPage(pageId: string): void {
    this.pages.set(pageId, (this.pages.get(pageId) ?? 0) + 1);
  }

  snapshot(withPages = false): SimStatsSnapshot {
    const snap: SimStatsSnapshot = {
      uptimeMs: this.now() - this.startedAt,
      gemini: { ...this.gemini },
      openai: { ...this.openai },
      clients: Object.fromEntries(
        [...this.clients].map(([id, c]) => [id, { gemini: { ...c.gemini }, openai: { ...c.openai } }]),
      ),
    };
    if (withPages) snap.pages = Object.fromEntries(this.pages);
    const gap = this.gap;
    if (gap !== undefined) {
      const since = (t: number): number => t - this.startedAt;
      snap.requestGap = {
        longestMs: gap.longestMs,
        firstAtMs: since(gap.firstAt),
        lastAtMs: since(gap.lastAt),
      };
    }
    return snap;
  }

  /** Zeroes the counts and forgets idle clients; requests still in flight stay in flight. */
  reset(): void {
    for (const [id, c] of this.clients) {
      if (c.gemini.inFlight === 0 && c.openai.inFlight === 0) this.clients.delete(id);
    }
    const perClient = [...this.clients.values()].flatMap((c) => [c.gemini, c.openai]);
    for (const stats of [this.gemini, this.openai, ...perClient]) {
      const inFlight = stats.inFlight;
      Object.assign(stats, emptyStats(), { inFlight, maxConcurrentSeen: inFlight });
    }
    this.pages = new Map();
    this.gap = undefined;
  }
}
