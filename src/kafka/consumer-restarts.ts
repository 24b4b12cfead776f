/**
 * Starts a consumer again after a crash kafkajs will not restart from (it gives up on errors it
 * deems final, a coordinator lookup while the broker restarts among them), backing off:
 *
 *   delay(n) = min(10 s, 500 ms · 2ⁿ)   for the n-th restart since the last assignment, n < 8
 *
 * about a minute of tries in all; past them the error is final (`giveUp`). An assignment resets n.
 */
export interface ConsumerRestartsOptions {
  /** Runs the consumer again; a rejection counts as the next crash. */
  run: () => Promise<void>;
  /** The source is closing: no restart. */
  closed: () => boolean;
  giveUp: (error: Error, restarts: number) => void;
  /** A restart is scheduled (for the log). */
  scheduled?: (delayMs: number, restarts: number) => void;
}

const MAX_RESTARTS = 8;

export class ConsumerRestarts {
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ConsumerRestartsOptions) {}

  /** The consumer crashed for good with `error`: run it again after the back-off, or give up. */
  after(error: Error): void {
    if (this.count >= MAX_RESTARTS) {
      this.opts.giveUp(error, this.count);
      return;
    }
    const delayMs = Math.min(10_000, 500 * 2 ** this.count++);
    this.opts.scheduled?.(delayMs, this.count);
    this.timer = setTimeout(() => {
      if (this.opts.closed()) return;
      this.opts.run().catch((err: unknown) => this.after(err as Error));
    }, delayMs);
  }

  /** The consumer holds an assignment again: the next crash starts the back-off afresh. */
  reset(): void {
    this.count = 0;
  }

  close(): void {
    clearTimeout(this.timer);
  }
}
