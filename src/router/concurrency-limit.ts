import {
  asyncScheduler,
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { abortedError } from '../model/errors.js';
import { LOG_TAGS, logger, type Logger } from '../telemetry/log.js';
import { ConcurrencyController, type ControllerOptions, type LimitChange } from './concurrency-controller.js';
import type { CallOutcome, LearntQuota } from './policies/concurrency-policy.js';

/**
 * The controller as a stream: `limit$` emits the effective limit of the LLM stage,
 *
 *   effective = 0                  while now < controller.pausedUntil (a retry hint)
 *             = controller.limit   otherwise
 *
 * and emits again by itself when a pause ends or a time-based change falls due (timers on the
 * scheduler), so nothing has to call in for the pipeline to resume. It replays the current value to
 * each new subscriber and emits only changes. The controller's clock must be the scheduler's:
 * use `ConcurrencyLimit.create` to wire them together.
 *
 * It is also the gate each call passes just before it goes out (`admit`): a call of about e
 * prompt tokens starts once now ≥ controller.openAt(e) (the policy's pacing; at once for policies
 * that do not pace), first come first served, and is then counted as started. Dispatch (limit$)
 * decides how many batches are in the router; the gate decides when each of their calls leaves.
 * What pacing learns is logged once per change ('quota learnt').
 */
export class ConcurrencyLimit {
  readonly limit$: Observable<number>;
  private readonly subject: BehaviorSubject<number>;
  private pauseTimer: { at: number; sub: Subscription } | undefined;
  private tickTimer: { at: number; sub: Subscription } | undefined;
  private gateTimer: { at: number; sub: Subscription } | undefined;
  private readonly waiters: Waiter[] = [];
  private learnt = '';
  private closed = false;
  /** Every line names the provider this limit is about. */
  private readonly log: Logger;
  private readonly throttleLog: Logger;

  constructor(
    private readonly controller: ConcurrencyController,
    private readonly scheduler: SchedulerLike = asyncScheduler,
    provider?: string,
  ) {
    const about = provider === undefined ? {} : { provider };
    this.log = logger(LOG_TAGS.concurrency).child(about);
    this.throttleLog = logger(LOG_TAGS.throttle).child(about);
    this.subject = new BehaviorSubject(this.effective());
    this.limit$ = this.subject.asObservable();
    this.refresh();
  }

  static create(
    opts: Omit<ControllerOptions, 'now'>,
    scheduler: SchedulerLike = asyncScheduler,
  ): ConcurrencyLimit {
    return new ConcurrencyLimit(
      new ConcurrencyController({ ...opts, now: () => scheduler.now() }),
      scheduler,
    );
  }

  record(outcome: CallOutcome): void {
    if (this.closed) return;
    const pausedBefore = this.controller.pausedUntil;
    this.note(this.controller.record(outcome));
    const pausedUntil = this.controller.pausedUntil;
    const now = this.scheduler.now();
    if (pausedUntil > pausedBefore && pausedUntil > now) {
      const fields = { until: new Date(pausedUntil).toISOString(), pauseMs: pausedUntil - now };
      this.throttleLog.info(fields, 'dispatch paused for retry hint');
    }
    this.noteLearnt();
    this.refresh();
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
    if (this.closed) return Promise.resolve();
    if (this.waiters.length === 0 && this.controller.openAt(tokens) <= this.scheduler.now()) {
      this.controller.started(tokens);
      return Promise.resolve();
    }
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

  /** What the policy's pacing has learnt of the provider's quotas (undefined when it does not pace). */
  get learntQuota(): LearntQuota | undefined {
    return this.controller.learntQuota;
  }

  /** Calls waiting at the gate. */
  get waiting(): number {
    return this.waiters.length;
  }

  get current(): number {
    return this.subject.value;
  }

  get changes(): readonly LimitChange[] {
    return this.controller.changes;
  }

  get controllerLimit(): number {
    return this.controller.limit;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pauseTimer?.sub.unsubscribe();
    this.tickTimer?.sub.unsubscribe();
    this.gateTimer?.sub.unsubscribe();
    for (const w of this.waiters.splice(0)) {
      w.detach();
      w.resolve();
    }
    this.subject.complete();
  }

  private effective(): number {
    return this.controller.pausedUntil > this.scheduler.now() ? 0 : this.controller.limit;
  }

  private note(change: LimitChange | undefined): void {
    if (change === undefined) return;
    // `time` is pino's own field: the change's moment is logged as `at` so the two do not collide.
    const { time, ...rest } = change;
    this.log.info({ ...rest, at: time }, 'concurrency changed');
  }

  private noteLearnt(): void {
    const quota = this.controller.learntQuota;
    if (quota === undefined) return;
    const key = JSON.stringify(quota);
    if (key === this.learnt || key === '{}') return;
    this.learnt = key;
    this.log.info(quota, 'quota learnt');
  }

  /** Lets waiting calls through, oldest first, while the gate is open; returns when it next opens. */
  private pump(): number | undefined {
    for (;;) {
      const head = this.waiters[0];
      if (head === undefined) return undefined;
      const at = this.controller.openAt(head.tokens);
      if (at > this.scheduler.now()) return Number.isFinite(at) ? at : undefined;
      this.waiters.shift();
      head.detach();
      this.controller.started(head.tokens);
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
    this.pauseTimer = this.schedule(
      this.pauseTimer,
      value === 0 ? this.controller.pausedUntil : undefined,
      () => {
        this.pauseTimer = undefined;
        this.refresh();
      },
    );
    this.tickTimer = this.schedule(this.tickTimer, this.controller.nextTickAt, () => {
      this.tickTimer = undefined;
      this.note(this.controller.tick());
      this.refresh();
    });
  }

  /** Keeps at most one timer per purpose, re-armed only when its due time moves. */
  private schedule(
    timer: { at: number; sub: Subscription } | undefined,
    at: number | undefined,
    work: () => void,
  ): { at: number; sub: Subscription } | undefined {
    if (timer !== undefined && timer.at === at) return timer;
    timer?.sub.unsubscribe();
    if (at === undefined) return undefined;
    const sub = this.scheduler.schedule(work, Math.max(0, at - this.scheduler.now()));
    return { at, sub };
  }
}

interface Waiter {
  tokens: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** Stops listening for the caller's abort. */
  detach: () => void;
}
