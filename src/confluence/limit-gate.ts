import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { abortedError } from '../model/errors.js';
import { ProviderGate } from '../router/provider-gate.js';
import type { LearntQuota } from '../router/pacing/pacer.js';
import type { CallGate, CallPermit, GateOutcome } from './call-gate.js';
import { RETRY_AFTER_GRAIN_MS } from './retry-after.js';

/**
 * Confluence's quota paced by the project's controller (adaptive policy): a call may leave when
 *
 *   inFlight < limit.current   (how many at once; 0 while a Retry-After pause lasts)
 *   and limit.admit(1) resolved (when the next may leave, as the policy learnt from 429s)
 *
 * first come first served; its outcome goes back to the gate as the LLM calls' do (a ProviderGate of
 * the adaptive policy: the aimd limit and the window pacer).
 */
export interface LimitGateOptions {
  /** Calls at once to begin with. */
  initial: number;
  /** Calls at once at most. */
  max: number;
  /** The site's host, named in the gate's log lines (quota learnt, pauses, limit changes). */
  site?: string;
  /** How far the site's waits are rounded up: Retry-After's whole seconds unless said (a bench's exact waits: 0). */
  hintGrainMs?: number;
  scheduler?: SchedulerLike;
}

export class LimitGate implements CallGate {
  private readonly limit: ProviderGate;
  private readonly scheduler: SchedulerLike;
  private readonly waiters: { resolve: () => void }[] = [];
  private readonly subscription: Subscription;
  private inFlight = 0;

  constructor(opts: LimitGateOptions) {
    this.scheduler = opts.scheduler ?? asyncScheduler;
    this.limit = ProviderGate.create(
      {
        policy: 'adaptive',
        initial: Math.min(opts.initial, opts.max),
        max: opts.max,
        // Retry-After is whole seconds, rounded up: a window learnt from it is tried shorter.
        hintGrainMs: opts.hintGrainMs ?? RETRY_AFTER_GRAIN_MS,
        ...(opts.site !== undefined && { site: opts.site }),
      },
      this.scheduler,
    );
    this.subscription = this.limit.limit$.subscribe(() => this.pump());
  }

  async admit(signal?: AbortSignal): Promise<CallPermit> {
    await this.slot(signal);
    try {
      await this.limit.admit(1, signal);
    } catch (err) {
      this.release();
      throw err;
    }
    const startedAt = this.scheduler.now();
    let reported = false;
    return {
      done: (outcome: GateOutcome) => {
        if (reported) return;
        reported = true;
        this.limit.record({ ...outcome, startedAt });
        this.release();
      },
    };
  }

  /** The current limit (for stats and tests). */
  get current(): number {
    return this.limit.current;
  }

  /** What the controller has learnt of the site's limit from its 429s (undefined before one). */
  get learnt(): LearntQuota | undefined {
    return this.limit.learnt;
  }

  close(): void {
    this.subscription.unsubscribe();
    this.limit.close();
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private slot(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal));
    if (this.waiters.length === 0 && this.inFlight < this.limit.current) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortedError(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    this.inFlight--;
    this.pump();
  }

  private pump(): void {
    while (this.waiters.length > 0 && this.inFlight < this.limit.current) {
      this.inFlight++;
      this.waiters.shift()?.resolve();
    }
  }
}
