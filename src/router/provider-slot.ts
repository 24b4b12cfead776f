import type { SchedulerLike } from 'rxjs';
import type { TagspaceError } from '../model/errors.js';
import { estimateEntryTokens, PROMPT_OVERHEAD_TOKENS } from '../model/estimate-tokens.js';
import { CallDeadline, type CallDeadlineOptions } from './call-deadline.js';
import {
  CircuitBreaker,
  QUOTA_EXHAUSTED,
  type BreakerSettings,
  type BreakerTransition,
} from './circuit-breaker.js';
import type { GateOptions } from './gate-options.js';
import { ProviderGate } from './provider-gate.js';
import type { Provider, TokenUsage } from './provider.js';
import type { QuotaReading } from '../model/quota-reading.js';
import type { ProviderName } from '../model/provider-name.js';
import { LONE_SHARE, type QuotaShare } from './sharing/quota-share.js';

/**
 * One provider with the state the router keeps about it: its breaker, its gate (a concurrency
 * limit and a pacer, provider-gate.ts), and whether its configuration was found unusable (bad
 * key, unknown model). A call first passes the gate (`admit`: the pacer, sized by the prompt's
 * estimated tokens); `record` then classifies its result, once, for both:
 *
 *   answered (HTTP 200, usable or not)   → gate: success(latency, tokens, reading)  breaker: success
 *   rate_limited                         → gate: rate_limited(hint, quota, reading) breaker: failure(hint)
 *   overloaded, timeout                  → gate: same kind          breaker: failure
 *     (a timeout the call deadline cut short also backs that deadline off: call-deadline.ts)
 *   quota_exhausted                      → gate: failure            breaker: trip(quotaCooldownMs)
 *   auth, config                         → gate: cancelled; the provider is unusable until
 *                                          restarted with a fix
 *   bad_request, safety_blocked, other   → gate: failure            breaker: success (it answered)
 *   aborted by the caller, internal      → gate: cancelled (nothing learnt)  breaker: release the probe
 *
 * The key's QuotaShare (sharing/quota-share.ts; LONE_SHARE when the key is not shared) hears of
 * every call the gate lets through (`admitted`, at its estimated prompt tokens), of how many wait
 * at the gate (`demand`), and then what the provider counted: the reported tokens of an answer,
 * or nothing at all for a call it refused (rate_limited, quota_exhausted) or rejected the key of.
 */
export interface SlotOptions {
  breaker: BreakerSettings;
  concurrency: Omit<GateOptions, 'provider'>;
  quotaCooldownMs: number;
  now: () => number;
  scheduler: SchedulerLike;
  onTransition: (provider: ProviderName, t: BreakerTransition) => void;
  /** The instances sharing this provider's key (default: alone). */
  share?: QuotaShare;
  /** A deadline per call from the provider's observed latency (call-deadline.ts); absent: none. */
  deadline?: CallDeadlineOptions;
}

/** A page as the gate sizes it. */
export interface SlotPage {
  pageId: string;
  title: string;
  text: string;
}

/** A prompt's estimated tokens: its overhead and its pages' entries. */
export function promptTokens(pages: readonly SlotPage[]): number {
  return pages.reduce(
    (sum, p) => sum + estimateEntryTokens({ id: p.pageId, title: p.title, text: p.text }),
    PROMPT_OVERHEAD_TOKENS,
  );
}

export interface CallResult {
  startedAt: number;
  /** Set when the provider answered (HTTP 200), even if the answer was not usable. */
  answeredLatencyMs?: number;
  /** The tokens the provider reported for its answer. */
  usage?: TokenUsage;
  /** The quota the provider reported with its answer (OpenAI's x-ratelimit-* headers). */
  reading?: QuotaReading;
  /** The latest the provider can have got the call (ProviderResponseInfo.arrivedBy). */
  arrivedBy?: number;
  error?: TagspaceError;
  /** The caller gave up (shutdown): the result says nothing about the provider. */
  aborted?: boolean;
  /** The tokens admit() resolved with: what the key's share was told the call would cost. */
  estimatedTokens?: number;
  /** The gate let the call go, but it was never sent (nothing left to ask): the provider counted nothing. */
  unsent?: boolean;
  /** The pages the call carried (for the call deadline's latency per size). */
  pages?: number;
  /** The router gave up on the call at its deadline (call-deadline.ts), before the provider's timeout. */
  deadlinePassed?: boolean;
}

export class ProviderSlot {
  readonly breaker: CircuitBreaker;
  readonly gate: ProviderGate;
  readonly share: QuotaShare;
  /** Why this provider cannot serve at all (auth, config); undefined while it can. */
  unusable: TagspaceError | undefined;
  /** When to give up on a call of this provider; undefined: at the provider's own timeout. */
  readonly deadline: CallDeadline | undefined;

  constructor(
    readonly provider: Provider,
    private readonly opts: SlotOptions,
  ) {
    this.breaker = new CircuitBreaker(
      opts.breaker,
      opts.now,
      (t) => opts.onTransition(provider.name, t),
      opts.scheduler,
    );
    this.share = opts.share ?? LONE_SHARE;
    this.deadline = opts.deadline === undefined ? undefined : new CallDeadline(opts.deadline);
    this.gate = ProviderGate.create(
      {
        ...opts.concurrency,
        provider: provider.name,
        ...(opts.share !== undefined && { share: opts.share }),
      },
      opts.scheduler,
    );
  }

  get name(): ProviderName {
    return this.provider.name;
  }

  /** Calls admitted and not yet recorded: at the provider now (the gate counts them). */
  get active(): number {
    return this.gate.inFlight;
  }

  /**
   * Waits until the pacer lets a call of these pages start (its learnt quotas have room for the
   * prompt's estimated tokens; at once, on the next tick, for pacers that do not pace), and
   * resolves with those tokens. A wait the caller abandons releases the breaker's probe, in case
   * this call held it.
   */
  admit(pages: readonly SlotPage[], signal?: AbortSignal): Promise<number> {
    const tokens = promptTokens(pages);
    // A call the gate lets go at once is on its way from now, though the promise resolves a tick
    // later: the gate counts it now, so a call dispatched in the same tick sees its slot taken.
    // Counted on resolution, six batches dispatched together all found Gemini's three slots free
    // and went there, its limit twice over, while OpenAI idled (spill-over.ts).
    const atOnce = signal?.aborted !== true && this.gate.letGoNow(tokens);
    const admitted = atOnce ? Promise.resolve() : this.gate.admit(tokens, signal);
    this.share.demand(this.opts.now(), this.gate.waiting);
    return admitted.then(
      () => {
        const now = this.opts.now();
        this.share.demand(now, this.gate.waiting);
        this.share.admitted(now, tokens);
        return tokens;
      },
      (err: unknown) => {
        this.share.demand(this.opts.now(), this.gate.waiting);
        this.breaker.release();
        throw err;
      },
    );
  }

  /**
   * The earliest a call of these pages could start if asked now (for spill-over):
   *
   *   startsAt = ∞ while unusable;  else max(breaker's openUntil while open, the gate's startsAt)
   */
  startsAt(pages: readonly SlotPage[]): number {
    if (this.unusable !== undefined) return Number.POSITIVE_INFINITY;
    const gate = this.gate.startsAt(promptTokens(pages));
    return this.breaker.state === 'open' ? Math.max(this.breaker.openUntil, gate) : gate;
  }

  /**
   * Whether a call of these pages would start at once here: usable, breaker letting it through
   * (closed, or half-open with its probe free: this call would be the probe), fewer calls on the
   * wire than the limit, and the gate open for it (nothing paused, paced or waiting): what its
   * gate's letGoNow would say now.
   */
  canStartNow(pages: readonly SlotPage[]): boolean {
    return (
      this.unusable === undefined &&
      this.breaker.available &&
      this.gate.wouldLetGoNow(promptTokens(pages)) &&
      this.startsAt(pages) <= this.opts.now()
    );
  }

  record(result: CallResult): void {
    this.tellShare(result);
    const { error } = result;
    // Which call this was, for the pacer: its start, and the estimate it started with (calls the
    // gate let go at one instant share their start).
    const call = {
      startedAt: result.startedAt,
      ...(result.estimatedTokens !== undefined && { estimate: result.estimatedTokens }),
    };
    if (result.aborted === true || error?.kind === 'internal') {
      this.gate.record({ kind: 'cancelled', ...call });
      this.breaker.release();
      return;
    }
    if (result.answeredLatencyMs !== undefined) {
      if (result.pages !== undefined) this.deadline?.answered(result.answeredLatencyMs, result.pages);
      const { inputTokens, outputTokens } = result.usage ?? {};
      this.gate.record({
        kind: 'success',
        latencyMs: result.answeredLatencyMs,
        inputTokens,
        outputTokens,
        ...(result.reading !== undefined && { reading: result.reading }),
        ...(result.arrivedBy !== undefined && { arrivedBy: result.arrivedBy }),
        ...call,
      });
      this.breaker.recordSuccess();
      return;
    }
    if (error === undefined) {
      this.gate.record({ kind: 'cancelled', ...call });
      return;
    }
    switch (error.kind) {
      case 'rate_limited': {
        const read = this.gate.record({
          kind: 'rate_limited',
          retryAfterMs: error.retryAfterMs,
          quota: error.quota,
          quotaPer: error.quotaPer,
          ...(error.reading !== undefined && { reading: error.reading }),
          ...call,
        });
        // A call the gate let go as its room came, refused for a moment (the send lagged the
        // provider's clock), says the provider serves: the pacer has read it, and the breaker
        // does not count it. Counted, four such 429s and a 503 opened Gemini's breaker and moved
        // ten batches to OpenAI as fallbacks.
        if (read !== 'edge') this.breaker.recordFailure(error.retryAfterMs, error.message);
        return;
      }
      case 'overloaded':
        this.gate.record({ kind: 'overloaded', ...call });
        this.breaker.recordFailure(undefined, error.message);
        return;
      case 'timeout':
        if (result.deadlinePassed === true) this.deadline?.expired();
        this.gate.record({ kind: 'timeout', ...call });
        this.breaker.recordFailure(undefined, error.message);
        return;
      case 'quota_exhausted':
        this.gate.record({ kind: 'failure', ...call });
        this.breaker.trip(QUOTA_EXHAUSTED, this.opts.quotaCooldownMs);
        return;
      case 'auth':
      case 'config':
        this.gate.record({ kind: 'cancelled', ...call });
        this.unusable = error;
        this.breaker.release();
        return;
      default:
        this.gate.record({ kind: 'failure', ...call });
        this.breaker.recordSuccess();
    }
  }

  /** Start-up's check refused this provider's key or model (check-providers.ts): unusable, as after a call. */
  refused(error: TagspaceError): void {
    this.unusable ??= error;
  }

  close(): void {
    this.breaker.close();
    this.gate.close();
  }

  /** What the provider counted of the call, against what the share was told at admission. */
  private tellShare({ startedAt, estimatedTokens, usage, error, unsent, arrivedBy }: CallResult): void {
    if (estimatedTokens === undefined) return;
    if (unsent === true) {
      this.share.revise(startedAt, -1, -estimatedTokens);
      return;
    }
    if (usage !== undefined) {
      const reported = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
      // A slow send: the provider's window holds the call from when it got it, so the peers count
      // it from then too (its gate time's bucket would leave their window before the provider's).
      if (arrivedBy !== undefined && arrivedBy > startedAt) {
        this.share.revise(startedAt, -1, -estimatedTokens);
        this.share.revise(arrivedBy, 1, reported > 0 ? reported : estimatedTokens);
      } else if (reported > 0) this.share.revise(startedAt, 0, reported - estimatedTokens);
      return;
    }
    const uncounted = ['rate_limited', 'quota_exhausted', 'auth', 'config'];
    if (error !== undefined && uncounted.includes(error.kind))
      this.share.revise(startedAt, -1, -estimatedTokens);
  }
}
