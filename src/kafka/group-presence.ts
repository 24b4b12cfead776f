/**
 * Whether this member is in its consumer group now, as /readyz reports it:
 *
 *   present(t) = holds ≥ 1 partition ∧ ¬crashed ∧ t − lastContact < sessionTimeout
 *
 * lastContact is the coordinator's last answer to this member (a heartbeat accepted, a join, a
 * rebalance announced). A coordinator silent for a session timeout has, by the group's own rule,
 * dropped the member: its partitions are someone else's, or no one's while the cluster is down.
 * kafkajs keeps retrying for minutes before it calls that a crash, so without the timeout a member
 * cut off from its brokers reported ready the whole time.
 *
 * Says so once when contact is lost (`lost`, after the timeout) and once when it comes back.
 */
export interface GroupPresenceOptions {
  sessionTimeoutMs: number;
  lost: (silentMs: number) => void;
  back: (silentMs: number) => void;
  now?: () => number;
}

export class GroupPresence {
  private readonly now: () => number;
  private partitions = 0;
  private crashed = false;
  private lastContact: number;
  private silent = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly opts: GroupPresenceOptions) {
    this.now = opts.now ?? Date.now;
    this.lastContact = this.now();
  }

  get present(): boolean {
    return this.partitions > 0 && !this.crashed && this.now() - this.lastContact < this.opts.sessionTimeoutMs;
  }

  /** The member holds `partitions` of the topic now (a join answered it, or a crash took them). */
  assigned(partitions: number): void {
    this.partitions = partitions;
    if (partitions > 0) this.crashed = false;
  }

  /** The coordinator answered the member (a heartbeat accepted, a rebalance announced). */
  contact(): void {
    const at = this.now();
    if (this.silent) {
      this.silent = false;
      this.opts.back(at - this.lastContact);
    }
    this.lastContact = at;
    if (this.timer === undefined && !this.stopped) this.arm(this.opts.sessionTimeoutMs);
  }

  /** kafkajs stopped the consumer: whatever it held, it rejoins as a new member. */
  crash(): void {
    this.crashed = true;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One timer, not one per heartbeat: when it fires early (contact since), it waits the rest. */
  private arm(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const silentMs = this.now() - this.lastContact;
      const left = this.opts.sessionTimeoutMs - silentMs;
      if (left > 0) this.arm(left);
      else if (!this.silent) {
        this.silent = true;
        this.opts.lost(silentMs);
      }
    }, delayMs);
    this.timer.unref();
  }
}
