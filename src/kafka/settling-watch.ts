/**
 * Says so when a rebalance goes a session timeout without an end, and again each timeout after:
 * nothing is written while it lasts, so a stall is said, not silent.
 */
export interface SettlingWatchOptions {
  timeoutMs: number;
  /** Whether the rebalance is still under way (asked when the timeout passes). */
  settling: () => boolean;
  unsettled: (waitedMs: number) => void;
}

export class SettlingWatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SettlingWatchOptions) {}

  /** A rebalance began at `since` (or goes on from it). */
  start(since = Date.now()): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.opts.settling()) return;
      this.opts.unsettled(Date.now() - since);
      this.start(since);
    }, this.opts.timeoutMs);
    this.timer.unref();
  }

  /** It ended (or the source closes). */
  stop(): void {
    clearTimeout(this.timer);
  }
}
