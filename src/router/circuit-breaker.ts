import type { SchedulerLike, Subscription } from 'rxjs';
import type { BreakerState } from '../model/router-event.js';

/**
 * A circuit breaker for one provider. Time comes from the injected clock; with a scheduler, the
 * change due at openUntil happens on the clock, by a timer, not when a caller next asks:
 *
 *   closed     ─ failures in a row ≥ failureThreshold, or a retry hint > longHintMs ─▶ open
 *   open       ─ now ≥ openUntil ─▶ half_open (the next caller is the one probe)
 *              — or ─▶ closed, when the provider's own hint set openUntil (hint ≥ cooldown_k)
 *   half_open  ─ probe succeeds ─▶ closed          ─ probe fails ─▶ open
 *
 *   openUntil = now + max(hint, cooldown_k),   cooldown_k = min(cooldownMs · 2^k, maxCooldownMs)
 *
 * where k counts the failed probes since the breaker last closed, so a provider that stays down is
 * probed less and less often, never less than once per maxCooldownMs (or per hint). `trip` opens
 * it for a fixed time (a daily quota that is spent). Only availability failures (429, 5xx,
 * timeout) should be recorded as failures: a page the provider rejects says nothing about whether
 * the provider can serve, nor does a 429 for a call sent a moment before its room came, which the
 * pacer reads as news about the window's timing (provider-slot.ts).
 *
 * A provider that said when it will serve again (a 429's retry hint) needs no probe: at that time
 * every waiting caller may go, at once. A probe would let one through and leave the others to
 * find out later, each at its own backoff — seconds after the hint, for nothing (and with Gemini
 * alone, every batch would be held for it).
 */
export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  reason: string;
  /** Clock time of the change. */
  at: number;
  /** When it may be probed again (for a change to open). */
  openUntil?: number;
  /** The failure that opened it, in the provider's words (for a change to open on failures). */
  error?: string;
}

export interface BreakerSettings {
  /** Failures in a row that open it. */
  failureThreshold: number;
  /** A retry hint longer than this opens it at once: asking the other provider now beats waiting. */
  longHintMs: number;
  cooldownMs: number;
  maxCooldownMs: number;
}

/** The reason of a trip on a spent daily quota: the summary and a bounded run's give-up read it. */
export const QUOTA_EXHAUSTED = 'quota exhausted';

export const DEFAULT_BREAKER: BreakerSettings = {
  failureThreshold: 5,
  longHintMs: 10_000,
  cooldownMs: 5_000,
  maxCooldownMs: 30_000,
};

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failuresInRow = 0;
  private failedProbes = 0;
  private until = 0;
  /** openUntil is the provider's own hint: it closes by itself then, without a probe. */
  private untilHint = false;
  private probeInFlight = false;
  private timer: Subscription | undefined;

  /** Without a scheduler the change due at openUntil waits for the next caller (pure tests). */
  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number,
    private readonly onTransition: (t: BreakerTransition) => void = () => {},
    private readonly scheduler?: SchedulerLike,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** Clock time before which an open breaker refuses calls (0 when closed). */
  get openUntil(): number {
    return this.current === 'open' ? this.until : 0;
  }

  /** True while it is open on the provider's own retry hint: a quota's wait, not a failure. */
  get heldByHint(): boolean {
    return this.current === 'open' && this.untilHint;
  }

  /** True when it would let a call through right now, without claiming the probe. */
  get available(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') return this.now() >= this.until;
    return !this.probeInFlight;
  }

  /** Asks to make a call. In half_open only one caller (the probe) gets a yes until it reports. */
  tryAcquire(): boolean {
    if (this.current === 'open' && !this.expire()) return false;
    if (this.current === 'closed') return true;
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Stops the timer (the router is closing). */
  close(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  recordSuccess(): void {
    this.failuresInRow = 0;
    if (this.current === 'half_open') {
      this.probeInFlight = false;
      this.failedProbes = 0;
      this.move('closed', 'probe succeeded');
    }
  }

  /** A failure; `error` says what failed (already free of secrets), for the log of a change it causes. */
  recordFailure(retryAfterMs?: number, error?: string): void {
    const hint = retryAfterMs ?? 0;
    if (this.current === 'half_open') {
      this.probeInFlight = false;
      this.failedProbes += 1;
      this.open('probe failed', hint, error);
      return;
    }
    // A call that started before the breaker opened may fail afterwards: it changes nothing.
    if (this.current === 'open') return;
    this.failuresInRow += 1;
    if (hint > this.settings.longHintMs) this.open(`retry hint ${hint} ms`, hint, error);
    else if (this.failuresInRow >= this.settings.failureThreshold) {
      this.open(`${this.failuresInRow} failures in a row`, hint, error);
    }
  }

  /** Opens it for at least `forMs`, whatever its state (a daily quota that is spent). */
  trip(reason: string, forMs: number): void {
    this.probeInFlight = false;
    const until = this.now() + forMs;
    if (this.current === 'open' && this.until >= until) return;
    this.until = until;
    this.untilHint = false;
    this.move('open', reason);
  }

  /** The probe ended without a verdict (the caller gave up): let another caller probe. */
  release(): void {
    if (this.current === 'half_open') this.probeInFlight = false;
  }

  private open(reason: string, hintMs: number, error: string | undefined): void {
    const cooldown = Math.min(this.settings.cooldownMs * 2 ** this.failedProbes, this.settings.maxCooldownMs);
    this.until = this.now() + Math.max(hintMs, cooldown);
    this.untilHint = hintMs > 0 && hintMs >= cooldown;
    this.failuresInRow = 0;
    this.move('open', reason, error);
  }

  /** Ends an open spell whose time has come; false while it has not. */
  private expire(): boolean {
    if (this.current !== 'open') return true;
    if (this.now() < this.until) return false;
    if (this.untilHint) {
      this.failedProbes = 0;
      this.move('closed', 'retry hint passed');
    } else this.move('half_open', 'cool-down over');
    return true;
  }

  private move(to: BreakerState, reason: string, error?: string): void {
    const from = this.current;
    this.current = to;
    this.timer?.unsubscribe();
    this.timer = undefined;
    if (to === 'open' && this.scheduler !== undefined) {
      const scheduler = this.scheduler;
      const fire = (): void => {
        this.timer = undefined;
        // A clock that fires a moment early (timers round) tries again at the due time.
        if (!this.expire()) this.timer = scheduler.schedule(fire, Math.max(1, this.until - this.now()));
      };
      this.timer = scheduler.schedule(fire, Math.max(0, this.until - this.now()));
    }
    const transition: BreakerTransition = { from, to, reason, at: this.now() };
    if (to === 'open') transition.openUntil = this.until;
    if (error !== undefined) transition.error = error;
    this.onTransition(transition);
  }
}
