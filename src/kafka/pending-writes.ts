/**
 * How long the oldest write still waiting for Kafka's acknowledgement has waited, for readiness:
 *
 *   stalled(t) = max over pending writes w of (t − start(w)) ≥ stallMs
 *
 * kafkajs retries a produce for minutes while the brokers are gone; the events wait (ingest's
 * checkpoint does not move, the webhook does not answer), nothing is lost, and this says so: once
 * when a write has waited `stallMs` (`stalled`), once when writes go through again (`resumed`).
 */
export interface PendingWritesOptions {
  stallMs: number;
  stalled: (waitedMs: number) => void;
  resumed: (waitedMs: number) => void;
  now?: () => number;
}

export class PendingWrites {
  private readonly now: () => number;
  private readonly started = new Map<number, number>();
  private next = 0;
  private said = false;

  constructor(private readonly opts: PendingWritesOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Whether a write has waited `stallMs` or longer. */
  get stalled(): boolean {
    const oldest = this.oldest();
    return oldest !== undefined && this.now() - oldest >= this.opts.stallMs;
  }

  /** Watches one write until it settles (either way); resolves or rejects as it does. */
  async track<T>(write: Promise<T>): Promise<T> {
    const id = this.next++;
    const at = this.now();
    this.started.set(id, at);
    const timer = setTimeout(() => {
      if (!this.said && this.started.has(id)) {
        this.said = true;
        this.opts.stalled(this.now() - at);
      }
    }, this.opts.stallMs);
    timer.unref();
    try {
      const result = await write;
      if (this.said) {
        this.said = false;
        this.opts.resumed(this.now() - at);
      }
      return result;
    } finally {
      clearTimeout(timer);
      this.started.delete(id);
    }
  }

  private oldest(): number | undefined {
    let min: number | undefined;
    for (const at of this.started.values()) if (min === undefined || at < min) min = at;
    return min;
  }
}
