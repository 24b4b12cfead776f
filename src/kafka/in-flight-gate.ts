/**
 * Backpressure for the consumer's batch handler: at `max` events in flight (a number, or read
 * afresh at each check: the read-ahead bound moves with what the providers serve) it waits until
 * the pipeline is down to three quarters of that,
 *
 *   full ⇔ inFlight ≥ max        room ⇔ inFlight < ¾·max
 *
 * waking the moment a finished event makes room (`check`), and calling `heartbeat` at least every
 * `heartbeatMs` meanwhile: a consumer that goes quiet is dropped from its group. While the handler
 * waits kafkajs fetches nothing, so memory holds at most `max` events and one fetch.
 */
export class InFlightGate {
  private wake: (() => void) | undefined;

  private readonly max: () => number;

  constructor(
    private readonly inFlight: () => number,
    max: number | (() => number),
    private readonly heartbeatMs = 1_000,
  ) {
    this.max = typeof max === 'number' ? () => max : max;
  }

  get full(): boolean {
    return this.inFlight() >= this.max();
  }

  hasRoom(): boolean {
    return this.inFlight() < (this.max() * 3) / 4;
  }

  /** Waits for room, or until `stopped()`. A heartbeat that throws (a rebalance) ends the wait. */
  async waitForRoom(heartbeat: () => Promise<void>, stopped: () => boolean): Promise<void> {
    while (!stopped() && !this.hasRoom()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.heartbeatMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      await heartbeat();
    }
  }

  /** Something finished: wakes the waiter if there is room now. */
  check(): void {
    if (this.wake !== undefined && this.hasRoom()) this.open();
  }

  /** Wakes the waiter whatever the count (the source stops). */
  open(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
