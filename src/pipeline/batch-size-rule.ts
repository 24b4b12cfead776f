import type { ProviderName } from '../model/provider-name.js';
import type { RouterEvent } from '../model/router-event.js';

/**
 * How many pages the next batch may hold: the adaptive batch size. Pure; time from `now`.
 *
 *   size      = clamp(⌊s⌋, 1, cap)                       s₀ = start; policy fixed or start = 1: size ≡ start
 *   cap       = min(max(maxSize, start), quotaCap)
 *   quotaCap  = max(start, ⌈T̂ / (R̂ · ĉ)⌉)  when the preferred provider's pacing learnt both quotas
 *             = start                       when only tokens are known to bind (T̂ alone, or a token
 *                                           429 of the preferred provider in the last memoryMs)
 *             = ∞                           otherwise: requests bind, or nothing has yet
 *   ĉ         = reported tokens (in + out) per page, an EWMA (α = 0.2) over answered calls
 *
 *   s grows towards cap and is never lowered by it (grow(x): s ← max(s, min(cap, x))):
 *   slow start (until the first shrink):
 *     q > ⌊s⌋ pages waiting to be cut                         grow(q)
 *     a full batch of n pages cut with w ≥ n more waiting     grow(max(s + n, w))
 *     a whole answer of n ≥ s/2 pages                         grow(s + n)
 *   after it: a whole answer of n ≥ ⌊s⌋ pages (it was full)   grow(s + max(1, s/4))
 *   shrinks, for an answer of n ≥ size/2 pages, by half at most:
 *     truncated (MAX_TOKENS)                                  s ← min(s, max(1, n/2, s/2))
 *     k of its pages mis-attributed                           s ← max(1, s/2, s · (1 − k/n))
 *       (named wrongly, not at all, twice, swapped)
 *
 * Why: a call costs one request whatever it holds, so where requests bind (Gemini's free tier:
 * 15 a minute, a million tokens) pages per call are pages per request, and a batch may grow until
 * the prompt budget stops it (batch-pages.ts) or its answer no longer fits the model's output
 * limit (truncations halve it). A backlog would spend a minute's fifteen requests on small batches
 * before the first answer came back, so slow start grows on the backlog as well as on answers, and
 * at once to what waits (up to the cap): the backlog's first batches are all cut before any answer,
 * so growing by steps there learnt nothing and cost a request per step. The backlog is read
 * before a cut as well as after it, so its first batch is not cut at the start either (1,000
 * pages at 40 a call are 25 calls, not 5 + 40 × 24 + 35 = 26: on fifteen requests a window, one
 * of the thirty that two windows hold), and a burst that fits the cap goes as one call.
 * Where tokens bind, a page costs its tokens in any batch: size buys nothing but larger failures,
 * so it stays at the balance point T̂/(R̂·ĉ), where both quotas run out together, and never below
 * the start. A mis-attributed page costs a call again, and gets likelier with more pages: the size
 * loses the share of pages it got wrong, so it shrinks only where that outweighs the quarter
 * gained (a model that gets long lists badly wrong). A truncation takes the failed answer's own
 * size n, so many answers of one size halve it once; answers under half the size (a re-ask of a
 * few pages) move nothing. What binds is the preferred provider's, and s is what the answers have
 * earned, the cap only what the quota makes worth sending: while Gemini's retry hint made OpenAI
 * preferred for a moment, OpenAI's token quota capped every batch at the start, and when s was
 * lowered with it, Gemini's fifteen requests a window carried 5, 6, 7, 9… pages for the dozens of
 * answers it took to grow back (5,000 pages, both providers: 223 calls where 151–157 sufficed).
 * For the same reason one failure takes at most half of s: a truncated answer of the 5 pages
 * OpenAI's cap held a batch to took the 40 Gemini's answers had earned down to 2, and Gemini's
 * requests carried 2, 3, 4… pages for a dozen answers (5,000 pages, both: 31.0 s where 25.5 s is
 * usual). A failure of a full batch still halves it, as before.
 */
export interface BatchSizeOptions {
  /** TAG_SPACE_BATCH_SIZE: the first size; 1 pins it (the rollback switch). */
  start: number;
  /** --max-batch-size: the most pages the size grows to (at least `start`). */
  maxSize: number;
  policy: 'fixed' | 'adaptive';
  /** How long a token 429 counts as "tokens bind" when no quota was learnt (default 5 min). */
  memoryMs?: number;
}

/** What a pacing policy has learnt of a provider's window quotas (reported tokens). */
export interface QuotaView {
  requests?: number;
  tokens?: number;
}

const EWMA = 0.2;

export class BatchSizeRule {
  readonly start: number;
  /** True when the size never moves (policy fixed, or start 1: the rollback switch). */
  readonly pinned: boolean;
  private readonly maxSize: number;
  private readonly memoryMs: number;
  private s: number;
  private slowStart = true;
  private perPage: number | undefined;
  private quota: QuotaView = {};
  /** The provider `quota` is of: the one preferred when it was last heard. */
  private quotaOf: string | undefined;
  /** When each provider last refused a call for tokens. */
  private readonly tokensRefusedAt = new Map<string | undefined, number>();

  constructor(
    opts: BatchSizeOptions,
    private readonly now: () => number,
  ) {
    this.start = Math.max(1, Math.floor(opts.start));
    this.maxSize = Math.max(this.start, Math.floor(opts.maxSize));
    this.pinned = opts.policy === 'fixed' || this.start === 1;
    this.memoryMs = opts.memoryMs ?? 5 * 60_000;
    this.s = this.start;
  }

  /** Pages the next batch may hold. */
  get size(): number {
    if (this.pinned) return this.start;
    return Math.max(1, Math.min(Math.floor(this.s), this.cap()));
  }

  /** `waiting` pages are about to be cut into batches: a backlog grows the size in slow start. */
  backlog(waiting: number): void {
    if (this.pinned || !this.slowStart || waiting <= Math.floor(this.s)) return;
    this.grow(waiting);
  }

  /** A batch of `pages` was cut, `waiting` pages behind it: a backlog grows the size in slow start. */
  cut(pages: number, waiting: number): void {
    if (this.pinned || !this.slowStart || pages < Math.floor(this.s) || waiting < pages) return;
    this.grow(Math.max(this.s + pages, waiting));
  }

  /** A call's answer was usable for all its `pages`; `tokens` it reported (in + out), when known. */
  answered(pages: number, tokens?: number): void {
    if (tokens !== undefined && tokens > 0 && pages > 0) {
      const c = tokens / pages;
      this.perPage = this.perPage === undefined ? c : this.perPage + EWMA * (c - this.perPage);
    }
    if (this.pinned) return;
    if (this.slowStart && pages >= this.s / 2) this.grow(this.s + pages);
    else if (pages >= Math.floor(this.s)) this.grow(this.s + Math.max(1, this.s / 4));
  }

  /** An answer of `pages` pages was cut off at the output limit. */
  truncated(pages: number): void {
    this.shrink(pages, pages / 2);
  }

  /** An answer of `pages` pages named `wrong` of them wrongly (not at all, twice, swapped). */
  misattributed(pages: number, wrong = 1): void {
    this.shrink(pages, this.s * (1 - Math.min(pages, Math.max(1, wrong)) / pages));
  }

  /** The preferred provider refused a call for this quota (a 429 that named it). */
  refused(quota: 'requests' | 'tokens', provider?: string): void {
    if (quota === 'tokens') this.tokensRefusedAt.set(provider, this.now());
  }

  /** What the preferred provider's pacing has learnt of its quotas. */
  learnt(quota: QuotaView | undefined, provider?: string): void {
    this.quota = { ...quota };
    this.quotaOf = provider;
  }

  /** Raises s towards `to`, never past the cap and never lowering it. */
  private grow(to: number): void {
    this.s = Math.max(this.s, Math.min(this.cap(), to));
  }

  private shrink(pages: number, to: number): void {
    if (this.pinned || pages < Math.min(this.s, this.cap()) / 2) return;
    this.slowStart = false;
    this.s = Math.min(this.s, Math.max(1, Math.floor(to), Math.floor(this.s / 2)));
  }

  private cap(): number {
    return Math.min(this.maxSize, this.quotaCap());
  }

  private quotaCap(): number {
    const { requests, tokens } = this.quota;
    if (tokens !== undefined && requests !== undefined && this.perPage !== undefined) {
      return Math.max(this.start, Math.ceil(tokens / (requests * this.perPage)));
    }
    const refusedAt = this.tokensRefusedAt.get(this.quotaOf) ?? Number.NEGATIVE_INFINITY;
    const tokensBind = tokens !== undefined || this.now() - refusedAt < this.memoryMs;
    return tokensBind ? this.start : Number.POSITIVE_INFINITY;
  }
}

/**
 * Feeds one batch's router events to the rule: answers, truncations and mis-attributions of
 * every provider; 429s and learnt quotas of the provider batches go to first (`preferred()`),
 * whose quota is the one that binds the size. Two pages whose labels look swapped count once the
 * doubt is settled (`doubt`), and not at all if asking again refuted it: where two pages' words
 * overlap, an honest answer looks swapped too.
 */
export function batchSizeListener(
  rule: BatchSizeRule,
  preferred: () => { name: ProviderName; quota: QuotaView | undefined },
): (e: RouterEvent) => void {
  let wrong = false;
  return (e) => {
    if (e.type === 'attribution') {
      wrong = true;
      const doubtOnly = e.unanswered.length + e.invented + e.duplicated.length === 0;
      if (!doubtOnly) rule.misattributed(e.pages, e.unanswered.length);
      return;
    }
    if (e.type === 'doubt') {
      if (!e.refuted) rule.misattributed(e.pages, e.suspect.length);
      return;
    }
    if (e.type !== 'call') return;
    const { name, quota } = preferred();
    if (e.provider === name) rule.learnt(quota, name);
    if (e.outcome === 'ok') {
      if (!wrong) rule.answered(e.pages, (e.inputTokens ?? 0) + (e.outputTokens ?? 0) || undefined);
    } else if (e.outcome === 'truncated_output') rule.truncated(e.pages);
    else if (e.outcome === 'rate_limited' && e.provider === name && e.quota !== undefined) {
      rule.refused(e.quota, name);
    }
    wrong = false;
  };
}
