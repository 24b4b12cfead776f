import {
  asyncScheduler,
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { abortedError } from '../model/errors.js';
import { LOG_TAGS, logger, type Logger } from '../telemetry/log.js';
import { CONCURRENCY_POLICIES } from './concurrency-policies.js';
import type { GateOptions, LimitChange } from './gate-options.js';
import { limitSampleOf } from './limit-sample-of.js';
import { normaliseBounds, type Limit } from './limit/limit.js';
import type { CallOutcome, LearntQuota, Pacer, RefusalReading } from './pacing/pacer.js';
import { coldStartPart } from './sharing/cold-start-part.js';
import { SharedPacer } from './sharing/shared-pacer.js';
import type { QuotaShare } from './sharing/quota-share.js';

/**
 * One provider's gate (Netflix's Limiter): it holds a limit (how many calls at once,
 * limit/limit.ts) and a pacer (when the next call may leave, pacing/pacer.ts), as the policy
 * names them (concurrency-policies.ts), and feeds both every outcome — the pacer first, the
 * limit the sample the pacer leaves it (limit-sample-of.ts).
 *
 *   limit$    effective = 0 while now < pacer.pausedUntil (a retry hint), else limit.limit —
 *             or, on a shared key whose quota is unknown, this instance's part of the group's
 *             cold start (sharing/cold-start-part.ts); replayed to each subscriber, emitted on
 *             change, and again by itself when a pause ends, the cold start warms or a
 *             time-based change of the limit falls due (timers on the scheduler)
 *   admit(e)  a call of about e prompt tokens starts once now ≥ pacer.openAt(e) and fewer than
 *             `effective` calls are on the wire (started, not yet recorded), first come first
 *             served, and is then counted as started
 *   changes   every change of the limit as { time, reason, old, new } (the latest keepChanges)
 *
 * Dispatch (limit$) decides how many batches are in the router; the gate decides when each of
 * their calls leaves. It counts the calls on the wire as well: with spill-over, dispatch's limit is
 * the providers' limits summed, and a gate that only paced let every call waiting at it go when
 * its window opened (Gemini 6 on the wire at a limit of 4). Changes of the limit and of what the
 * pacer learnt are logged, naming the provider. Time is the scheduler's.
 */
export class ProviderGate {
  readonly limit$: Observable<number>;
  private readonly subject: BehaviorSubject<number>;
  private pauseTimer: Timer | undefined;
  private tickTimer: Timer | undefined;
  private gateTimer: Timer | undefined;
  private warmTimer: Subscription | undefined;
  private readonly waiters: Waiter[] = [];
  private readonly changeLog: LimitChange[] = [];
  private readonly keepChanges: number;
  /** Every line names the provider this gate is about. */
  private readonly log: Logger;
  private readonly throttleLog: Logger;
  private learntKey = '';
  private closed = false;
  /** Calls let go and not yet recorded. */
  private onWire = 0;

  /** The key's instances and the limit's bounds, while the key's cold start is split among them. */
  private readonly coldStart: ColdStartOf | undefined;
  private unwatch: (() => void) | undefined;
  /** When this gate let its first call through (the cold start's clock). */
  private firstCallAt: number | undefined;

  constructor(
    private readonly rule: Limit,
    readonly pacer: Pacer,
    private readonly scheduler: SchedulerLike = asyncScheduler,
    opts: Pick<GateOptions, 'keepChanges' | 'provider' | 'site' | 'share' | 'minuteMs'> & {
      initial?: number;
      max?: number;
    } = {},
  ) {
    if (opts.share !== undefined && opts.initial !== undefined && pacer.learnt !== undefined) {
      const { share, initial } = opts;
      this.coldStart = { share, initial, max: opts.max ?? initial, minuteMs: opts.minuteMs ?? 60_000 };
      this.unwatch = opts.share.watch(() => this.refresh());
    }
    this.keepChanges = Math.max(1, opts.keepChanges ?? 1_000);
    const about =
      opts.provider !== undefined
        ? { provider: opts.provider }
        : opts.site !== undefined
          ? { site: opts.site }
          : {};
    this.log = logger(LOG_TAGS.concurrency).child(about);
    this.throttleLog = logger(LOG_TAGS.throttle).child(about);
    this.subject = new BehaviorSubject(this.effective());
    this.limit$ = this.subject.asObservable();
    this.refresh();
  }

  /** The gate of a named policy, on the scheduler's clock. */
  static create(opts: GateOptions, scheduler: SchedulerLike = asyncScheduler): ProviderGate {
    const parts = CONCURRENCY_POLICIES[opts.policy];
    const bounds = normaliseBounds(opts);
    const own = parts.pacer({
      ...(opts.minuteMs !== undefined && { minuteMs: opts.minuteMs }),
      ...(opts.hintGrainMs !== undefined && { hintGrainMs: opts.hintGrainMs }),
    });
    // A pacer that learns nothing (fixed, seed) has no quota to share out.
    const pacer =
      opts.share === undefined || own.learnt === undefined ? own : new SharedPacer(own, opts.share);
    return new ProviderGate(parts.limit(bounds, scheduler.now()), pacer, scheduler, { ...opts, ...bounds });
  }

  /** The rule's limit (what limit$ emits while nothing pauses). */
  get limit(): number {
    return this.rule.limit;
  }

  /** The effective limit: what limit$ last emitted. */
  get current(): number {
    return this.subject.value;
  }

  /**
   * The earliest a call of about `tokens` prompt tokens asked for now could start (spill-over):
   * now when it would go at once; else when the pacer (or a pause) lets it, and never before the
   * calls already waiting (a lower bound: each of them takes room too). When the first of those
   * may go now and the limit has room, the gate's timer lets it go in this instant: this call
   * comes after it, a millisecond on at the soonest, so that whoever waits for it looks again
   * then rather than never.
   */
  startsAt(tokens: number): number {
    const now = this.scheduler.now();
    if (this.closed) return now;
    const head = this.waiters[0];
    const ahead = head === undefined ? now : this.pacer.openAt(now, head.tokens);
    const behindHead = head !== undefined && ahead <= now && !this.full() ? now + 1 : ahead;
    return Math.max(now, behindHead, this.pacer.openAt(now, tokens));
  }

  /** What the pacer has learnt of the provider's quotas (undefined when it does not pace). */
  get learnt(): LearntQuota | undefined {
    return this.pacer.learnt;
  }

  /** Calls let go and not yet recorded: at the provider now. */
  get inFlight(): number {
    return this.onWire;
  }

  /** Calls waiting at the gate. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** The latest changes of the limit, oldest first. */
  get changes(): readonly LimitChange[] {
    return this.changeLog;
  }

  /** The call's outcome, for the pacer and the limit; returns how the pacer read a 429. */
  record(outcome: CallOutcome): RefusalReading | undefined {
    if (this.closed) return undefined;
    // A record with no call let go before it (a test's, a cancelled admission's) counts no call.
    this.onWire = Math.max(0, this.onWire - 1);
    const now = this.scheduler.now();
    const pausedBefore = this.pacer.pausedUntil;
    const old = this.rule.limit;
    const reading = this.pacer.record(outcome, now);
    this.note(now, old, this.rule.sample(limitSampleOf(outcome, reading), now));
    const pausedUntil = this.pacer.pausedUntil;
    if (pausedUntil > pausedBefore && pausedUntil > now) {
      const fields = {
        until: new Date(pausedUntil).toISOString(),
        pauseMs: pausedUntil - now,
      };
      this.throttleLog.info(fields, 'dispatch paused for retry hint');
    }
    this.noteLearnt();
    this.refresh();
    return reading;
  }

  /**
   * Asks to start a call whose prompt is about `tokens` tokens. Resolves, the call counted as
   * started, when it may go — first come first served; rejects with `unavailable` when `signal`
   * aborts. Even a call that may go at once resumes only after the caller's synchronous work (a
   * promise's continuation): that is when its request can leave, so that is when its start should
   * be stamped. Once closed (the router shutting down) nothing is paced any more: calls go.
   */
  admit(tokens: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal));
    if (this.letGoNow(tokens)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { tokens, resolve, reject, detach: () => {} };
      if (signal !== undefined) {
        const onAbort = (): void => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(abortedError(signal));
          this.refresh();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.waiters.push(waiter);
      this.refresh();
    });
  }

  /**
   * Lets a call of about `tokens` prompt tokens go now, counted as started, if it may go at once
   * (nothing waiting, room under the limit, the pacer open; or the gate closed); false leaves the
   * gate as it was. What
   * `admit` does first, for a caller that must know now, not a tick later, whether it went.
   */
  letGoNow(tokens: number): boolean {
    if (this.closed) return true;
    if (!this.wouldLetGoNow(tokens)) return false;
    this.started(this.scheduler.now(), tokens);
    return true;
  }

  /**
   * Whether `letGoNow(tokens)` would let the call go, asked without letting it (spill-over's
   * "can start it now"), by the same rule. Calls whose turn has come wait here until the gate's
   * own timer lets them go; asked in that instant, the limit's free room and the open pacer said
   * yes, a call spilled here and waited behind them — on the free tier behind thirteen calls
   * queued during Gemini's pause, for its next window, while OpenAI idled (the 1.8 × runs).
   */
  wouldLetGoNow(tokens: number): boolean {
    if (this.closed) return true;
    const now = this.scheduler.now();
    return this.waiters.length === 0 && !this.full() && this.pacer.openAt(now, tokens) <= now;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch?.();
    this.pauseTimer?.sub.unsubscribe();
    this.tickTimer?.sub.unsubscribe();
    this.gateTimer?.sub.unsubscribe();
    this.warmTimer?.unsubscribe();
    for (const w of this.waiters.splice(0)) {
      w.detach();
      w.resolve();
    }
    this.subject.complete();
  }

  /**
   * What limit$ emits: 0 while a retry hint pauses the provider; else, on a key shared by n
   * instances whose quota is not known yet, this instance's part of the group's cold start
   * (sharing/cold-start-part.ts: the group starts, grows and stops as one instance would, so it
   * meets the key's first refusal with one instance's burst); else the rule's limit.
   */
  private effective(): number {
    const now = this.scheduler.now();
    if (this.pacer.pausedUntil > now) return 0;
    const limit = this.rule.limit;
    const cold = this.coldStart;
    if (cold === undefined) return limit;
    const learnt = this.pacer.learnt;
    return coldStartPart({
      limit,
      initial: cold.initial,
      max: cold.max,
      instances: cold.share.instances(now),
      // Learnt, adopted, or reported by the provider (OpenAI's limits, on the first answer).
      known: [learnt, learnt?.reported].some((q) => q?.requests !== undefined || q?.tokens !== undefined),
      firstCallAt: this.firstCallAt,
      now,
      warmAfterMs: cold.minuteMs,
    });
  }

  private full(): boolean {
    return this.onWire >= this.effective();
  }

  private started(now: number, tokens: number): void {
    this.onWire += 1;
    if (this.firstCallAt === undefined) {
      this.firstCallAt = now;
      // The cold start ends a minute on even if nothing else changes then.
      if (this.coldStart !== undefined)
        this.warmTimer = this.scheduler.schedule(() => this.refresh(), this.coldStart.minuteMs);
    }
    this.pacer.started(now, tokens);
  }

  private note(now: number, old: number, reason: string | undefined): void {
    const next = this.rule.limit;
    if (next === old) return;
    const change: LimitChange = {
      time: new Date(now).toISOString(),
      reason: reason ?? 'unspecified',
      old,
      new: next,
    };
    this.changeLog.push(change);
    if (this.changeLog.length > this.keepChanges) this.changeLog.shift();
    // `time` is pino's own field: the change's moment is logged as `at` so the two do not collide.
    this.log.info({ reason: change.reason, old, new: next, at: change.time }, 'concurrency changed');
  }

  private noteLearnt(): void {
    const learnt = this.pacer.learnt;
    if (learnt === undefined) return;
    // To the ms: a window a refusal at its edge lengthens by a fraction of a ms is no news, and
    // 1127.3166666666666 is not how an operator reads one.
    const quota =
      learnt.windowMs === undefined ? learnt : { ...learnt, windowMs: Math.round(learnt.windowMs) };
    const key = JSON.stringify(quota);
    if (key === this.learntKey || key === '{}') return;
    this.learntKey = key;
    this.log.info(quota, 'quota learnt');
  }

  /** Lets waiting calls through, oldest first, while the pacer lets them; returns when it next may. */
  private pump(): number | undefined {
    for (;;) {
      const head = this.waiters[0];
      // A full gate lets the next call go when a call is recorded (record refreshes).
      if (head === undefined || this.full()) return undefined;
      const now = this.scheduler.now();
      const at = this.pacer.openAt(now, head.tokens);
      if (at > now) return Number.isFinite(at) ? at : undefined;
      this.waiters.shift();
      head.detach();
      this.started(now, head.tokens);
      head.resolve();
    }
  }

  private refresh(): void {
    if (this.closed) return;
    this.gateTimer = this.schedule(this.gateTimer, this.pump(), () => {
      this.gateTimer = undefined;
      this.refresh();
    });
    const value = this.effective();
    if (value !== this.subject.value) this.subject.next(value);
    this.pauseTimer = this.schedule(this.pauseTimer, value === 0 ? this.pacer.pausedUntil : undefined, () => {
      this.pauseTimer = undefined;
      this.refresh();
    });
    this.tickTimer = this.schedule(this.tickTimer, this.rule.nextTickAt?.(), () => {
      this.tickTimer = undefined;
      const now = this.scheduler.now();
      const old = this.rule.limit;
      this.note(now, old, this.rule.tick?.(now));
      this.refresh();
    });
  }

  /** Keeps at most one timer per purpose, re-armed only when its due time moves. */
  private schedule(timer: Timer | undefined, at: number | undefined, work: () => void): Timer | undefined {
    if (timer !== undefined && timer.at === at) return timer;
    timer?.sub.unsubscribe();
    if (at === undefined) return undefined;
    const sub = this.scheduler.schedule(work, Math.max(0, at - this.scheduler.now()));
    return { at, sub };
  }
}

interface ColdStartOf {
  share: QuotaShare;
  initial: number;
  max: number;
  /** The provider's minute on the scheduler's clock: the longest a cold start lasts. */
  minuteMs: number;
}

interface Timer {
  at: number;
  sub: Subscription;
}

interface Waiter {
  tokens: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** Stops listening for the caller's abort. */
  detach: () => void;
}
