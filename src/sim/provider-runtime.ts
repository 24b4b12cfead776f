import { parsePromptPages, type PromptPage, type TagAnswer } from '../model/prompt.js';
import type { Caller } from './caller.js';
import { drawFault, findMarked, malform, misattribute, outageAt, truncate } from './faults.js';
import { latencyDelayMs } from './latency-model.js';
import { QuotaBook } from './quota-book.js';
import { seededRandom, type Random } from '../gen/random.js';
import type { QuotaLimits, QuotaSnapshot, QuotaVerdict } from './rate-quota.js';
import type { ProviderScenario } from './scenario.js';
import type { CountedOutcome, ProviderStats, SimStats } from './sim-stats.js';
import { tagPage } from '../gen/tagger.js';
import type { ProviderName } from '../model/provider-name.js';

/**
 * One simulated provider, independent of its wire format: decides what happens to a request.
 * The checks run in the order a real front end applies them, and only an admitted request is
 * charged to the quotas:
 *
 *   authorize: key valid? → serves: model served? → (body read) → decide: outage? →
 *   day exhausted? → page rejected? → concurrency cap → requests/day → the window quota of the
 *   scenario's shape (rpm, tpm on input tokens) → [admitted] → faults → answer
 *
 * The quotas are the caller's key's (or everyone's, when shared: quota-book.ts); every count goes
 * to the provider's totals and to the caller's own (caller.ts).
 *
 * Tokens are the simulator's own count, ⌈characters / 4⌉: input over system + user text, charged
 * at admission; output over the answer text, charged to the window once the answer is made.
 */
export interface SimRequest {
  systemText: string;
  userText: string;
  /** The request's own output cap (maxOutputTokens, max_tokens): a longer answer is cut there. */
  maxOutputTokens?: number | undefined;
}

export type QuotaRefusal = Extract<QuotaVerdict, { ok: false }>;

export type Decision =
  | { kind: 'not_found' }
  | { kind: 'auth'; missing: boolean }
  | { kind: 'outage'; status: number }
  | { kind: 'daily' }
  | { kind: 'reject'; pageId: string }
  | { kind: 'concurrency'; limit: number }
  | { kind: 'window'; refusal: QuotaRefusal }
  | { kind: 'timeout'; hangMs: number | undefined }
  | { kind: 'server_error'; status: 500 | 503 }
  | { kind: 'safety'; inputTokens: number; delayMs: number }
  | {
      kind: 'answer';
      text: string;
      finish: 'stop' | 'length';
      inputTokens: number;
      outputTokens: number;
      delayMs: number;
    };

/** Decisions that took a concurrency slot: the caller must release() once the response is over. */
export const ADMITTED_KINDS: ReadonlySet<Decision['kind']> = new Set([
  'timeout',
  'server_error',
  'safety',
  'answer',
]);

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class ProviderRuntime {
  private config: ProviderScenario;
  private readonly quotas: QuotaBook;
  private faultRandom: Random;
  private latencyRandom: Random;
  private readonly stats: ProviderStats;

  constructor(
    readonly name: ProviderName,
    config: ProviderScenario,
    seed: number,
    private readonly simStats: SimStats,
    private readonly trackPages: () => boolean,
    private readonly origin: number,
    private readonly now: () => number,
  ) {
    this.config = config;
    this.quotas = new QuotaBook(config, origin, now);
    this.stats = simStats.of(name);
    [this.faultRandom, this.latencyRandom] = this.streams(seed);
  }

  get scenario(): ProviderScenario {
    return this.config;
  }

  /**
   * Applies a changed scenario; the quotas keep what they hold (a new shape or scope starts them
   * afresh).
   */
  reconfigure(config: ProviderScenario, seed: number | undefined): void {
    this.config = config;
    this.quotas.reconfigure(config);
    if (seed !== undefined) [this.faultRandom, this.latencyRandom] = this.streams(seed);
  }

  /** The limits in force now: the scenario's, or its schedule's. */
  limits(): QuotaLimits {
    return this.quotas.limits();
  }

  /** The limits reported for the key (another service's share of it is no change of its limit). */
  reportedLimits(): QuotaLimits {
    return this.quotas.reportedLimits();
  }

  /** What another service on the key takes of a budget: the key's limit less the one in force. */
  takenByOthers(budget: 'requests' | 'tokens'): number {
    const key = this.reportedLimits();
    const now = this.limits();
    return budget === 'requests' ? key.rpm - now.rpm : key.tpm - now.tpm;
  }

  /** What the caller's quota holds now (OpenAI's x-ratelimit-* headers). */
  quotaSnapshot(caller: Caller): QuotaSnapshot {
    return this.quotas.of(caller.keyTag).rate.snapshot();
  }

  count(caller: Caller, outcome: CountedOutcome): void {
    this.simStats.noteRequest();
    this.tally(caller, (s) => {
      s.requests += 1;
      s[outcome] += 1;
    });
  }

  countClientClosed(caller: Caller): void {
    this.tally(caller, (s) => (s.clientClosed += 1));
  }

  release(caller: Caller): void {
    this.tally(caller, (s) => (s.inFlight -= 1));
  }

  /** Is the key right? Checked before the body is read. */
  authorize(caller: Caller): Decision | undefined {
    const expected = this.config.apiKey;
    const { apiKey } = caller;
    if (expected === undefined || apiKey === expected) return undefined;
    return this.done(caller, 'authFailures', {
      kind: 'auth',
      missing: apiKey === undefined || apiKey === '',
    });
  }

  /** Is the model served? */
  serves(caller: Caller, model: string): Decision | undefined {
    const models = this.config.models;
    if (models === undefined || models.includes(model)) return undefined;
    return this.done(caller, 'notFound', { kind: 'not_found' });
  }

  decide(caller: Caller, req: SimRequest): Decision {
    const c = this.config;
    const f = c.faults;
    const outage = outageAt(f.outages, this.now() - this.origin);
    if (outage !== undefined) {
      this.tally(caller, (s) => (s.outageErrors += 1));
      return this.done(caller, 'serverErrors', { kind: 'outage', status: outage.status ?? 503 });
    }
    if (f.dailyQuotaExhausted) return this.done(caller, 'dailyQuota', { kind: 'daily' });
    const pages = parsePromptPages(req.userText);
    const rejected = findMarked(pages, f.rejectMarker);
    if (rejected !== undefined) {
      return this.done(caller, 'rejected', { kind: 'reject', pageId: rejected.id });
    }
    if (c.maxConcurrent !== undefined && this.stats.inFlight >= c.maxConcurrent) {
      this.tally(caller, (s) => (s.concurrencyLimited += 1));
      return this.done(caller, 'rateLimited', { kind: 'concurrency', limit: c.maxConcurrent });
    }
    const quota = this.quotas.of(caller.keyTag);
    if (!quota.daily.hasRoom()) return this.done(caller, 'dailyQuota', { kind: 'daily' });
    const inputTokens = estimateTokens(req.systemText) + estimateTokens(req.userText);
    const verdict = quota.rate.tryAdmit(inputTokens);
    if (!verdict.ok) return this.done(caller, 'rateLimited', { kind: 'window', refusal: verdict });
    quota.daily.take();
    this.admit(caller, inputTokens);
    return this.answer(caller, pages, inputTokens, req.maxOutputTokens);
  }

  private answer(
    caller: Caller,
    pages: PromptPage[],
    inputTokens: number,
    cap: number | undefined,
  ): Decision {
    // The answer is made first: how likely it is to go wrong depends on its length.
    let entries: TagAnswer['pages'] = pages.map((p) => ({ id: p.id, tags: tagPage(p.title, p.text) }));
    const expected = estimateTokens(JSON.stringify({ pages: entries }));
    const fault = drawFault(this.config.faults, pages, this.faultRandom, expected);
    switch (fault?.kind) {
      case 'timeout':
        return this.done(caller, 'timeouts', { kind: 'timeout', hangMs: this.config.faults.hangMs });
      case 'server_error':
        return this.done(caller, 'serverErrors', { kind: 'server_error', status: fault.status });
      case 'safety':
        return this.done(caller, 'safetyBlocked', { kind: 'safety', inputTokens, delayMs: this.delay(0) });
    }
    if (fault?.kind === 'misattributed') {
      entries = misattribute(entries, this.faultRandom).entries;
    }
    const json = JSON.stringify({ pages: entries });
    let text =
      fault?.kind === 'malformed' ? malform(json) : fault?.kind === 'truncated' ? truncate(json) : json;
    let outcome: CountedOutcome =
      fault?.kind === 'malformed' ? 'malformed' : fault?.kind === 'truncated' ? 'truncated' : 'ok';
    // The request's own cap, or the model's output limit, whichever is lower.
    const limit = Math.min(
      cap ?? Number.POSITIVE_INFINITY,
      this.config.maxOutputTokens ?? Number.POSITIVE_INFINITY,
    );
    if (estimateTokens(text) > limit) {
      text = text.slice(0, limit * 4);
      outcome = 'truncated';
    }
    const outputTokens = estimateTokens(text);
    this.quotas.of(caller.keyTag).rate.charge(outputTokens);
    this.tally(caller, (s) => (s.outputTokens += outputTokens));
    if (outcome === 'ok') this.countAnswered(caller, entries, fault?.kind === 'misattributed');
    const finish = outcome === 'truncated' ? 'length' : 'stop';
    return this.done(caller, outcome, {
      kind: 'answer',
      text,
      finish,
      inputTokens,
      outputTokens,
      delayMs: this.delay(outputTokens),
    });
  }

  private countAnswered(caller: Caller, entries: TagAnswer['pages'], misattributed: boolean): void {
    this.tally(caller, (s) => {
      if (misattributed) s.misattributed += 1;
      s.pagesAnswered += entries.length;
    });
    if (!this.trackPages()) return;
    for (const e of entries) this.simStats.countPage(e.id);
  }

  private admit(caller: Caller, inputTokens: number): void {
    this.tally(caller, (s) => {
      s.inputTokens += inputTokens;
      s.inFlight += 1;
      if (s.inFlight > s.maxConcurrentSeen) s.maxConcurrentSeen = s.inFlight;
    });
  }

  /** Applies one change to the provider's totals and to the caller's own counts. */
  private tally(caller: Caller, change: (stats: ProviderStats) => void): void {
    change(this.stats);
    change(this.simStats.ofClient(caller.clientId, this.name));
  }

  private delay(outputTokens: number): number {
    return latencyDelayMs(this.config.latencyMs, outputTokens, this.latencyRandom);
  }

  private done<D extends Decision>(caller: Caller, outcome: CountedOutcome, decision: D): D {
    this.count(caller, outcome);
    return decision;
  }

  private streams(seed: number): [Random, Random] {
    // Separate streams per provider and purpose, so turning one fault on does not shift the latencies.
    const base = (seed ^ (this.name === 'gemini' ? 0x9e3779b9 : 0x85ebca6b)) >>> 0;
    return [seededRandom(base), seededRandom((base ^ 0x27d4eb2f) >>> 0)];
  }
}
