import {
  asyncScheduler,
  BehaviorSubject,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { LOG_TAGS, logger } from '../log.js';
import {
  ConcurrencyController,
  type CallOutcome,
  type ControllerOptions,
  type LimitChange,
} from './concurrency-controller.js';

const log = logger(LOG_TAGS.concurrency);
const throttleLog = logger(LOG_TAGS.throttle);

/**
 * The controller as a stream: `limit$` emits the effective limit of the LLM stage,
 *
 *   effective = 0                  while now < controller.pausedUntil (a retry hint, or pacing)
 *             = controller.limit   otherwise
 *
 * and emits again by itself when a pause ends or a time-based change falls due (timers on the
 * scheduler), so nothing has to call in for the pipeline to resume. It replays the current value to
 * each new subscriber and emits only changes. The controller's clock must be the scheduler's:
 * use `ConcurrencyLimit.create` to wire them together.
 */
export class ConcurrencyLimit {
  readonly limit$: Observable<number>;
  private readonly subject: BehaviorSubject<number>;
  private pauseTimer: { at: number; sub: Subscription } | undefined;
  private tickTimer: { at: number; sub: Subscription } | undefined;
  private closed = false;

  constructor(
    private readonly controller: ConcurrencyController,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {
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
      // A 429's hint is news worth a line; pacing holds happen every few calls near the quota.
      if (outcome.kind === 'rate_limited') throttleLog.info(fields, 'dispatch paused for retry hint');
      else throttleLog.debug(fields, 'dispatch held for the quota window');
    }
    this.refresh();
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
    this.subject.complete();
  }

  private effective(): number {
    return this.controller.pausedUntil > this.scheduler.now() ? 0 : this.controller.limit;
  }

  private note(change: LimitChange | undefined): void {
    if (change === undefined) return;
    // `time` is pino's own field: the change's moment is logged as `at` so the two do not collide.
    const { time, ...rest } = change;
    log.info({ ...rest, at: time }, 'concurrency changed');
  }

  private refresh(): void {
    if (this.closed) return;
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
