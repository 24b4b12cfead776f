import type { SchedulerLike } from 'rxjs';
import type { TagspaceError } from '../errors.js';
import { CircuitBreaker, type BreakerSettings, type BreakerTransition } from './circuit-breaker.js';
import { ConcurrencyController, type ControllerOptions } from './concurrency-controller.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import type { Provider, ProviderName } from './provider.js';

/**
 * One provider with the state the router keeps about it: its breaker, its concurrency limit, and
 * whether its configuration was found unusable (bad key, unknown model). `record` feeds the result
 * of a call to both:
 *
 *   answered (HTTP 200, usable or not)   → controller: success(latency)   breaker: success
 *   rate_limited                         → controller: rate_limited(hint) breaker: failure(hint)
 *   overloaded, timeout                  → controller: same kind          breaker: failure
 *   quota_exhausted                      → controller: failure            breaker: trip(quotaCooldownMs)
 *   auth, config                         → the provider is unusable until restarted with a fix
 *   bad_request, safety_blocked, other   → controller: failure            breaker: success (it answered)
 *   aborted by the caller, internal      → nothing learnt                 breaker: release the probe
 */
export interface SlotOptions {
  breaker: BreakerSettings;
  concurrency: Omit<ControllerOptions, 'now'>;
  quotaCooldownMs: number;
  now: () => number;
  scheduler: SchedulerLike;
  onTransition: (provider: ProviderName, t: BreakerTransition) => void;
}

export interface CallResult {
  startedAt: number;
  /** Set when the provider answered (HTTP 200), even if the answer was not usable. */
  answeredLatencyMs?: number;
  error?: TagspaceError;
  /** The caller gave up (shutdown): the result says nothing about the provider. */
  aborted?: boolean;
}

export class ProviderSlot {
  readonly breaker: CircuitBreaker;
  readonly limit: ConcurrencyLimit;
  /** Why this provider cannot serve at all (auth, config); undefined while it can. */
  unusable: TagspaceError | undefined;

  constructor(
    readonly provider: Provider,
    private readonly opts: SlotOptions,
  ) {
    this.breaker = new CircuitBreaker(opts.breaker, opts.now, (t) => opts.onTransition(provider.name, t));
    const controller = new ConcurrencyController({ ...opts.concurrency, now: opts.now });
    this.limit = new ConcurrencyLimit(controller, opts.scheduler);
  }

  get name(): ProviderName {
    return this.provider.name;
  }

  record(result: CallResult): void {
    const { error, startedAt } = result;
    if (result.aborted === true || error?.kind === 'internal') {
      this.breaker.release();
      return;
    }
    if (result.answeredLatencyMs !== undefined) {
      this.limit.record({ kind: 'success', latencyMs: result.answeredLatencyMs, startedAt });
      this.breaker.recordSuccess();
      return;
    }
    if (error === undefined) return;
    switch (error.kind) {
      case 'rate_limited':
        this.limit.record({ kind: 'rate_limited', retryAfterMs: error.retryAfterMs, startedAt });
        this.breaker.recordFailure(error.retryAfterMs);
        return;
      case 'overloaded':
        this.limit.record({ kind: 'overloaded', startedAt });
        this.breaker.recordFailure();
        return;
      case 'timeout':
        this.limit.record({ kind: 'timeout', startedAt });
        this.breaker.recordFailure();
        return;
      case 'quota_exhausted':
        this.limit.record({ kind: 'failure', startedAt });
        this.breaker.trip('quota exhausted', this.opts.quotaCooldownMs);
        return;
      case 'auth':
      case 'config':
        this.unusable = error;
        this.breaker.release();
        return;
      default:
        this.limit.record({ kind: 'failure', startedAt });
        this.breaker.recordSuccess();
    }
  }

  close(): void {
    this.limit.close();
  }
}
