import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

/**
 * Virtual time for code that mixes RxJS timers with promises (the router): RxJS's
 * VirtualTimeScheduler, stepped one due time at a time, with every promise continuation run
 * between steps, so `await` chains see the clock as they would in real time.
 *
 *   step     = let microtasks settle; run the actions due at the earliest frame; repeat
 *   idle     = nothing is scheduled and no microtask is left to run
 */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);

  now(): number {
    return this.scheduler.now();
  }

  /** When the next timer is due, or undefined when none is scheduled. */
  get nextDueAt(): number | undefined {
    return this.scheduler.actions[0]?.delay;
  }

  /** Runs promise continuations until none is left. */
  async settle(): Promise<void> {
    // A macrotask runs only once the microtask queue is empty; twice, for continuations that
    // themselves wait on a macrotask-resolved promise of the test's.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Runs the actions due at the next frame; false when nothing is scheduled. */
  step(): boolean {
    const due = this.nextDueAt;
    if (due === undefined) return false;
    this.scheduler.maxFrames = due;
    this.scheduler.flush();
    return true;
  }

  /**
   * Steps the clock until `done` settles; `check` runs at every quiescent point (promises settled,
   * before the next step). Rejects if nothing is scheduled while `done` is still pending (a
   * deadlock: nothing will ever wake the work), or past `untilMs` of virtual time.
   */
  async run<T>(done: Promise<T>, opts: { untilMs?: number; check?: () => void } = {}): Promise<T> {
    const untilMs = opts.untilMs ?? 3_600_000;
    let settled = false;
    let failure: unknown;
    let value: T | undefined;
    done.then(
      (v) => {
        settled = true;
        value = v;
      },
      (err: unknown) => {
        settled = true;
        failure = err;
      },
    );
    for (;;) {
      await this.settle();
      if (settled) break;
      opts.check?.();
      if (this.now() > untilMs) throw new Error(`still pending at ${this.now()} ms of virtual time`);
      if (!this.step()) throw new Error(`deadlock at ${this.now()} ms: work pending and no timer due`);
    }
    if (failure !== undefined) throw failure;
    return value as T;
  }
}
