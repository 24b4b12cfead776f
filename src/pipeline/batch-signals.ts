/**
 * One AbortSignal per batch, all aborted when the run's signal aborts. Every batch listens to its
 * own signal (the tagger's abort race, the gate's waiters, the SDK's request), so the run's signal
 * carries one listener however many batches are in flight, instead of a few per batch (which made
 * Node warn of a listener leak past ten).
 *
 *   run aborts ⇒ every open batch's signal aborts;   a batch opened after that starts aborted
 */
export class BatchSignals {
  private readonly open = new Set<AbortController>();
  private readonly onAbort = () => {
    for (const c of this.open) c.abort(this.parent.reason);
  };

  constructor(private readonly parent: AbortSignal) {
    parent.addEventListener('abort', this.onAbort, { once: true });
  }

  /** A signal for one batch; `close` it when the batch ends. */
  batch(): { signal: AbortSignal; close: () => void } {
    const controller = new AbortController();
    if (this.parent.aborted) controller.abort(this.parent.reason);
    else this.open.add(controller);
    return { signal: controller.signal, close: () => this.open.delete(controller) };
  }

  /** Stops listening to the run's signal (the subscription ended). */
  dispose(): void {
    this.parent.removeEventListener('abort', this.onAbort);
    this.open.clear();
  }

  /** Batches in flight (for tests). */
  get size(): number {
    return this.open.size;
  }
}
