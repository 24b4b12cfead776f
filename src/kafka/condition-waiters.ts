/**
 * Promises that resolve once a condition holds, asked again at each `wake`: a partition's restore
 * waits until the pipeline has dropped the last of its orphans, and each drop wakes it.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<() => void>();

  /** Resolves once `holds()` is true at a wake (at once if it is now), or once `signal` aborts. */
  until(holds: () => boolean, signal: AbortSignal): Promise<void> {
    const done = () => signal.aborted || holds();
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        if (!done()) return;
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  /** Something the conditions read changed: each is asked again. */
  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
